import { DeadlineKind } from '../routing/sla/sla-clock';
import { QueueKind } from '../routing/routing-rules';
import { MessageVisibility } from './ticket-message.entity';
import { EscalationStatus, TicketStatus } from './ticket-status';
import { SourceChannel } from './ticket.entity';

export const ACTOR_KINDS = ['user', 'system', 'integration'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who made a change: a person (ENT user id), Relais itself, or a connected system (the ENT). */
export interface Actor {
  kind: ActorKind;
  id: string;
  name: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'relais', name: 'Relais' };

/** The fields a source system (the ENT) owns on the tickets that came from it. */
export interface SourceFields {
  subject?: string;
  description?: string;
  entCategory?: string | null;
  status?: TicketStatus;
}

/** Where a ticket was before it moved up, and where it went. */
interface MovedFrom {
  tier: string | null;
  queue: QueueKind | null;
  assignee: string | null;
  escalationStatus: EscalationStatus;
}
interface MovedTo {
  tier: string;
  queue: QueueKind;
  /** Why, in the words of the person who moved it; null for an automatic escalation. */
  reason: string | null;
  /** The deadline whose breach moved it, for an automatic escalation. */
  breachOf: DeadlineKind | null;
  escalationStatus: EscalationStatus;
}

/** How a notification reached (or failed to reach) an address, kept on the ticket's history. */
export interface DeliveryRecord {
  notification: string;
  /** The event it told of (its seq in the history). */
  event: number;
  address: string;
  channel: string;
  attempts: number;
  /** What the history channel kept: the text itself. */
  text?: string;
}

/**
 * The typed ticket events: for each kind of change, what was before and what
 * is after. Recorded in the change's own transaction (the history, append
 * only) and heard by everything that must follow tickets: notification
 * channels, Slack cards, the chat engine. Values are flat JSON.
 */
export interface TicketEventShapes {
  created: {
    before: null;
    after: { status: TicketStatus; channel: SourceChannel; subject: string; intent: string | null; tier: string | null; entTicketId?: string };
  };
  updated_from_source: { before: SourceFields; after: SourceFields };
  message_added: {
    before: null;
    after: {
      messageId: string;
      visibility: MessageVisibility;
      channel: SourceChannel;
      byRequester: boolean;
      tier: string | null;
      /** The message's id in the source system (an ENT comment). */
      externalId?: string;
    };
  };
  status_changed: { before: { status: TicketStatus }; after: { status: TicketStatus; tier: string | null; reason?: string } };
  assigned: { before: { assignee: string | null }; after: { assignee: string | null; assigneeName: string | null } };
  escalated: { before: MovedFrom; after: MovedTo };
  forwarded: { before: MovedFrom; after: MovedTo };
  /** The académie's incident tool accepted (or refused) an escalation. */
  escalation_settled: { before: { escalationStatus: EscalationStatus }; after: { escalationStatus: EscalationStatus } };
  sla_reminder: { before: null; after: { deadline: DeadlineKind; dueAt: string; tier: string | null } };
  sla_breached: { before: null; after: { deadline: DeadlineKind; dueAt: string; tier: string | null } };
  /** Files attached to a message (`messageId`), or to the ticket itself (its description: null). */
  attachments_added: {
    before: null;
    after: { messageId: string | null; attachments: { id: string; fileName: string; contentType: string; size: number }[] };
  };
  notification_delivered: { before: null; after: DeliveryRecord };
  notification_failed: { before: null; after: DeliveryRecord & { error: string } };
}

export type TicketEventType = keyof TicketEventShapes;
export const TICKET_EVENT_TYPES = [
  'created',
  'updated_from_source',
  'message_added',
  'status_changed',
  'assigned',
  'escalated',
  'forwarded',
  'escalation_settled',
  'sla_reminder',
  'sla_breached',
  'attachments_added',
  'notification_delivered',
  'notification_failed',
] as const satisfies readonly TicketEventType[];

/** One event as recorded: its type decides the shape of `before` and `after`. */
export type TicketEvent = {
  [K in TicketEventType]: {
    seq: number;
    ticketId: string;
    type: K;
    actor: Actor;
    at: Date;
  } & TicketEventShapes[K];
}[TicketEventType];

export type TicketEventOf<K extends TicketEventType> = Extract<TicketEvent, { type: K }>;

/** An event about to be recorded by a change. */
export type NewTicketEvent = {
  [K in TicketEventType]: { type: K; actor: Actor } & TicketEventShapes[K];
}[TicketEventType];
