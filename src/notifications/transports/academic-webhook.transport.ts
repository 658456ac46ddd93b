import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { signEntRequest } from '../../ent/ent-signature';
import { TicketMessageEntity } from '../../tickets/ticket-message.entity';
import { TicketEntity } from '../../tickets/ticket.entity';
import { OutboxEntity } from '../outbox.entity';
import { DeliveryError, describeFailure, NotificationTransport } from './transport';

const PRIORITY_LABEL = { mineur: 'Mineur', majeur: 'Majeur', bloquant: 'Bloquant' } as const;

/**
 * Escalations to the académie's incident tool: a signed JSON POST carrying the
 * support-pivot fields. `X-Relais-Delivery` is the same on every retry of one
 * notification, so the receiver can drop a repeat.
 */
export class AcademicWebhookTransport implements NotificationTransport {
  readonly name = 'webhook';

  constructor(
    private readonly target: { url: string; secret: string; academyName?: string },
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async deliver(notification: OutboxEntity, ticket: TicketEntity): Promise<void> {
    const body = JSON.stringify(await this.pivot(notification, ticket));
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let response: Response;
    try {
      response = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-relais-delivery': notification.id,
          'x-relais-timestamp': String(timestamp),
          'x-relais-signature': signEntRequest(this.target.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DeliveryError(`incident tool unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new DeliveryError(`incident tool refused: ${await describeFailure(response)}`);
  }

  private async pivot(notification: OutboxEntity, ticket: TicketEntity) {
    const comments = await this.db.getRepository(TicketMessageEntity).find({
      where: { ticketId: ticket.id, visibility: 'public' },
      order: { createdAt: 'ASC' },
    });
    return {
      id_ent: ticket.entTicketId ?? ticket.reference,
      reference_relais: ticket.reference,
      collectivite: ticket.schoolUai ?? ticket.schoolStructureId,
      academie: this.target.academyName ?? null,
      demandeur: ticket.requesterLogin ?? ticket.requesterName,
      type_demande: ticket.category ?? 'other',
      titre: ticket.subject,
      description: ticket.description,
      priorite: PRIORITY_LABEL[ticket.priority],
      modules: ticket.entCategory ? [ticket.entCategory] : [],
      commentaires: comments.map((c) => `${c.createdAt.toISOString()} | ${c.authorName} | ${c.body}`).join('\n'),
      pj: [],
      statut_ent: ticket.status,
      date_creation: ticket.createdAt.toISOString(),
      attribution: 'RECTORAT',
      motif_escalade: notification.payload.details?.reason ?? null,
    };
  }
}
