import { DataSource } from 'typeorm';
import { ChatIdentity } from '../../src/admin-actions/actor';
import { EntUnderTest } from './ent-under-test';
import { TestApp } from './test-app';

/** Demo people with a chat identity linked to their ENT account (src/ent/sandbox/sandbox-demo-data.yaml). */
export const LINKED = {
  claire: { identity: { channel: 'slack', externalId: 'T0DEMO:UCLAIRE', displayName: 'Claire Dubois' }, login: 'claire.dubois' },
  julien: { identity: { channel: 'slack', externalId: 'T0DEMO:UJULIEN', displayName: 'Julien Moreau' }, login: 'julien.moreau' },
  ines: { identity: { channel: 'discord', externalId: '200000000000000003' }, login: 'ines.fontaine' },
  marc: { identity: { channel: 'discord', externalId: '200000000000000004' }, login: 'marc.petit' },
  nadia: { identity: { channel: 'slack', externalId: 'T0DEMO:UNADIA' }, login: 'nadia.haddad' },
  elodie: { identity: { channel: 'slack', externalId: 'T0DEMO:UELODIE' }, login: 'elodie.marchand' },
  admin: { identity: { channel: 'slack', externalId: 'T0DEMO:UADMIN' }, login: 'admin.academie' },
  sophie: { identity: { channel: 'discord', externalId: '200000000000000005' }, login: 'sophie.lambert' },
  tom: { identity: { channel: 'webchat', externalId: 'session-tom' }, login: 'tom.girard' },
  lea: { identity: { channel: 'webchat', externalId: 'session-lea' }, login: 'lea.lambert' },
} satisfies Record<string, { identity: ChatIdentity; login: string }>;

export type Who = keyof typeof LINKED | { anonymous: string } | { ent: string };

export function actorHeaders(who: Who): Record<string, string> {
  if (typeof who === 'object' && 'anonymous' in who) return { 'X-Chat-Identity': `webchat:${who.anonymous}` };
  if (typeof who === 'object') return { 'X-On-Behalf-Of': who.ent };
  const { identity } = LINKED[who];
  return { 'X-Chat-Identity': `${identity.channel}:${identity.externalId}` };
}

/** The HTTP API of account actions, as a trusted integration calls it for someone. */
export class AccountsClient {
  constructor(
    private readonly t: TestApp,
    private readonly key: string,
  ) {}

  preview(who: Who, body: object) {
    return this.t.http.post('/api/v1/accounts/actions/preview').set('Authorization', this.key).set(actorHeaders(who)).send(body);
  }

  confirm(who: Who, confirmation: string, service?: 'mail' | 'mobile') {
    return this.t.http.post('/api/v1/accounts/actions/confirm').set('Authorization', this.key).set(actorHeaders(who)).send(service ? { confirmation, service } : { confirmation });
  }

  /** Preview then confirm; fails the test unless the preview offers a confirmation. */
  async perform(who: Who, body: object, service?: 'mail' | 'mobile') {
    const preview = await this.preview(who, body);
    if (preview.status !== 200 || preview.body.kind !== 'confirm') throw new Error(`preview answered ${preview.status} ${JSON.stringify(preview.body)}`);
    return this.confirm(who, preview.body.confirmation.token, service);
  }

  pending(who: Who) {
    return this.t.http.get('/api/v1/accounts/approvals').set('Authorization', this.key).set(actorHeaders(who));
  }

  approve(who: Who, id: string) {
    return this.t.http.post(`/api/v1/accounts/approvals/${id}/approve`).set('Authorization', this.key).set(actorHeaders(who)).send();
  }

  refuse(who: Who, id: string) {
    return this.t.http.post(`/api/v1/accounts/approvals/${id}/refuse`).set('Authorization', this.key).set(actorHeaders(who)).send();
  }
}

export async function linkEveryone(ent: EntUnderTest, linker: string, names: (keyof typeof LINKED)[] = Object.keys(LINKED) as (keyof typeof LINKED)[]): Promise<void> {
  for (const name of names) await ent.link(linker, LINKED[name].identity as ChatIdentity, LINKED[name].login);
}

/** How many renewal codes the ENT has issued: a refusal by Relais's policy must leave it unchanged. */
export async function codesIssued(t: TestApp, ent: EntUnderTest): Promise<number> {
  const calls = ent.renewalCalls();
  if (calls !== null) return calls;
  const [row] = (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM sandbox_ent_codes WHERE kind = 'renewal'`)) as { n: number }[];
  return row.n;
}
