import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { signRelaisRequest } from '../../common/relais-signature';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { Address } from '../audience';
import { NotificationTexts } from '../notification-texts';
import { DeliveryError, describeFailure, Delivery, NotificationChannel, NotificationChannelProvider } from './notification-channel';

const PRIORITY_LABEL = { mineur: 'Mineur', majeur: 'Majeur', bloquant: 'Bloquant' } as const;

/**
 * Escalations to the académie's incident tool: a signed JSON POST carrying the
 * support-pivot fields. `X-Relais-Delivery` is the same on every retry of one
 * notification, so the receiver can drop a repeat. On when ACADEMIC_WEBHOOK_URL is set.
 */
@NotificationChannelProvider()
export class AcademicWebhookChannel implements NotificationChannel {
  readonly name = 'webhook';
  private readonly target: AppConfig['academicWebhook'];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queries: TicketQueries,
    private readonly texts: NotificationTexts,
    private readonly clock: Clock,
  ) {
    this.target = config.academicWebhook;
  }

  reaches(address: Address): boolean {
    return this.target !== null && address.kind === 'academy';
  }

  async deliver(delivery: Delivery): Promise<void> {
    const body = JSON.stringify(await this.pivot(delivery));
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let response: Response;
    try {
      response = await fetch(this.target!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-relais-delivery': delivery.id,
          'x-relais-timestamp': String(timestamp),
          'x-relais-signature': signRelaisRequest(this.target!.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DeliveryError(`incident tool unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new DeliveryError(`incident tool refused: ${await describeFailure(response)}`);
  }

  private async pivot({ event, ticket }: Delivery) {
    const comments = await this.queries.publicMessages(ticket.id);
    return {
      id_ent: ticket.entTicketId ?? ticket.reference,
      reference_relais: ticket.reference,
      collectivite: ticket.schoolUai ?? ticket.schoolStructureId,
      academie: this.target!.academyName ?? null,
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
      motif_escalade: event.type === 'escalated' || event.type === 'forwarded' ? this.texts.reasonOf(event) : null,
    };
  }
}
