import { TicketEntity } from '../../tickets/ticket.entity';
import { OutboxEntity } from '../outbox.entity';
import { DeliveryError, describeFailure, NotificationTransport } from './transport';

/**
 * Sends status and comments back to the ENT Assistance app for tickets that
 * came from it (`PUT /support/ticket/:id`), with an OAuth2 client-credentials token.
 */
export class EntSupportTransport implements NotificationTransport {
  readonly name = 'ent';
  private token: { value: string; until: number } | null = null;

  constructor(private readonly ent: { url: string; clientId: string; clientSecret: string }) {}

  async deliver(notification: OutboxEntity, ticket: TicketEntity): Promise<void> {
    const body: { status?: number; newComment?: string } = { newComment: notification.payload.text };
    if (notification.payload.entStatus !== undefined) body.status = notification.payload.entStatus;
    const response = await this.call(`/support/ticket/${encodeURIComponent(ticket.entTicketId!)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.accessToken()}` },
      body: JSON.stringify(body),
    });
    // A revoked or expired token: fetch a new one on the next attempt.
    if (response.status === 401) this.token = null;
    if (!response.ok) throw new DeliveryError(`ENT refused the update: ${await describeFailure(response)}`);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const response = await this.call('/auth/oauth2/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${this.ent.clientId}:${this.ent.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'support' }).toString(),
    });
    if (!response.ok) throw new DeliveryError(`ENT token refused: HTTP ${response.status}`);
    const token = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!token.access_token) throw new DeliveryError('ENT token response without access_token');
    // Renew a minute early so a token never expires mid-request.
    this.token = { value: token.access_token, until: Date.now() + Math.max(0, (token.expires_in ?? 3600) - 60) * 1000 };
    return this.token.value;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.ent.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new DeliveryError(`ENT unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
