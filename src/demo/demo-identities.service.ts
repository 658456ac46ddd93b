import { Inject, Injectable } from '@nestjs/common';
import { ChatIdentity } from '../admin-actions/actor';
import { LinkingService } from '../admin-actions/linking/linking.service';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DomainError } from '../common/errors';
import { SandboxEnt } from '../ent/sandbox/sandbox-ent';

/**
 * On the embedded default, a chat identity can be linked at once to a person
 * of the demo académie (the demo page's picker, the chat command's users):
 * the same one-time link and OAuth2 flow as anyone's, with the sandbox ENT
 * letting the person in without their password. Never with a real ENT.
 */
@Injectable()
export class DemoIdentities {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly linking: LinkingService,
    private readonly sandbox: SandboxEnt,
  ) {}

  get available(): boolean {
    return this.config.accounts.adapter.kind === 'sandbox';
  }

  async link(identity: ChatIdentity, entUserId: string): Promise<void> {
    if (!this.available) throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Demo identities exist only with the sandbox ENT.');
    const current = await this.linking.linkedPerson(identity);
    if (current?.entUserId === entUserId) return;
    const offer = await this.linking.offer(identity);
    const token = new URL(offer.url).searchParams.get('token')!;
    const state = new URL(await this.linking.begin(token)).searchParams.get('state')!;
    const code = await this.sandbox.issueAuthorizationCode(entUserId, this.linking.callbackUrl());
    await this.linking.complete(state, code);
  }
}
