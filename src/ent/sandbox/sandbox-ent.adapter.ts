import { EntGrant, EntIdentity, EntPerson, EntPort, ProfileBlock, ResetService, ChannelsAnswer } from '../ent-port';
import { SandboxEnt } from './sandbox-ent';

export const SANDBOX_CLIENT_ID = 'relais';

/** The port over the sandbox ENT: every account call is authenticated by the caller's own access token, as over HTTP. */
export class SandboxEntAdapter extends EntPort {
  readonly kind = 'sandbox' as const;

  constructor(
    private readonly ent: SandboxEnt,
    private readonly publicUrl: string,
  ) {
    super();
  }

  authorizationUrl({ state, redirectUri }: { state: string; redirectUri: string }): string {
    const query = new URLSearchParams({ response_type: 'code', client_id: SANDBOX_CLIENT_ID, redirect_uri: redirectUri, scope: 'userinfo auth directory', state });
    return `${this.publicUrl}/sandbox-ent/auth/oauth2/auth?${query}`;
  }

  exchangeCode(code: string, redirectUri: string): Promise<EntGrant> {
    return this.ent.exchangeCode(code, redirectUri);
  }

  refreshGrant(grant: EntGrant): Promise<EntGrant> {
    return this.ent.refresh(grant.refreshToken);
  }

  async whoAmI(grant: EntGrant): Promise<EntIdentity> {
    return this.ent.identity(await this.ent.authenticate(grant.accessToken));
  }

  async findByLogin(grant: EntGrant, login: string): Promise<EntPerson | null> {
    return this.ent.findByLogin(await this.ent.authenticate(grant.accessToken), login);
  }

  async searchByName(grant: EntGrant, query: { structureId: string; name: string }): Promise<EntPerson[]> {
    return this.ent.searchByName(await this.ent.authenticate(grant.accessToken), query.structureId, query.name);
  }

  async profileBlocks(grant: EntGrant, structureId: string): Promise<ProfileBlock[]> {
    return this.ent.profileBlocks(await this.ent.authenticate(grant.accessToken), structureId);
  }

  async generateRenewalCode(grant: EntGrant, login: string): Promise<string> {
    return this.ent.generateRenewalCode(await this.ent.authenticate(grant.accessToken), login);
  }

  async setBlocked(grant: EntGrant, userId: string, blocked: boolean): Promise<void> {
    await this.ent.setBlocked(await this.ent.authenticate(grant.accessToken), userId, blocked);
  }

  passwordChannels(login: string): Promise<ChannelsAnswer> {
    return this.ent.passwordChannels(login);
  }

  forgotPassword(login: string, service: ResetService): Promise<void> {
    return this.ent.forgotPassword(login, service);
  }
}
