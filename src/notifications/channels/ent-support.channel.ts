import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { Address } from '../audience';
import { NotificationTexts } from '../notification-texts';
import { DeliveryError, describeFailure, Delivery, NotificationChannel, NotificationChannelProvider } from './notification-channel';

/**
 * Sends status and comments back to the ENT Assistance app for the tickets
 * that came from it (`PUT /support/ticket/:id`: the ticket's status now, and
 * what Relais would tell the requester as a new comment), with an OAuth2
 * client-credentials token. On when ENT_URL is set.
 */
@NotificationChannelProvider()
export class EntSupportChannel implements NotificationChannel {
  readonly name = 'ent';
  private token: { value: string; until: number } | null = null;
  private readonly ent: AppConfig['ent'];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly texts: NotificationTexts,
    private readonly clock: Clock,
  ) {
    this.ent = config.ent;
  }

  reaches(address: Address): boolean {
    return this.ent !== null && address.kind === 'ent';
  }

  async deliver(delivery: Delivery): Promise<void> {
    if (delivery.address.kind !== 'ent') throw new DeliveryError(`the ENT channel cannot reach a ${delivery.address.kind} address`);
    const body: { status: number; newComment?: string } = { status: delivery.ticket.status };
    const text = await this.texts.render(delivery);
    if (text) body.newComment = text;
    const response = await this.call(`/support/ticket/${encodeURIComponent(delivery.address.entTicketId)}`, {
      method: 'PUT',
      // The same on every attempt of one notification: the ENT (or a proxy) can drop a repeat.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.accessToken()}`, 'x-relais-delivery': delivery.id },
      body: JSON.stringify(body),
    });
    // A revoked or expired token: fetch a new one on the next attempt.
    if (response.status === 401) this.token = null;
    if (!response.ok) throw new DeliveryError(`ENT refused the update: ${await describeFailure(response)}`);
  }

  private async accessToken(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.token && this.token.until > now) return this.token.value;
    const { clientId, clientSecret } = this.ent!;
    const response = await this.call('/auth/oauth2/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'support' }).toString(),
    });
    if (!response.ok) throw new DeliveryError(`ENT token refused: HTTP ${response.status}`);
    const token = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!token.access_token) throw new DeliveryError('ENT token response without access_token');
    // Renew a minute early so a token never expires mid-request.
    this.token = { value: token.access_token, until: now + Math.max(0, (token.expires_in ?? 3600) - 60) * 1000 };
    return this.token.value;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.ent!.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new DeliveryError(`ENT unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
