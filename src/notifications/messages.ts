import { DeadlineKind } from '../routing/sla/sla-clock';
import { loadRoutingRules, RoutingRules } from '../routing/routing-rules';
import { TicketStatus } from '../tickets/ticket-status';
import { TicketEntity } from '../tickets/ticket.entity';
import { Notification } from './outbox.service';

/** The French texts people receive; one place, so wording stays consistent. */

const DEADLINE_LABEL: Record<DeadlineKind, string> = { first_response: 'première réponse', resolution: 'résolution' };

const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });

let defaultRules: RoutingRules | undefined;

/** The tier's label from the routing rules (the default file; the restructuring passes the loaded rules). */
export function tierLabel(tier: string): string {
  defaultRules ??= loadRoutingRules();
  return defaultRules.tiers[tier]?.label ?? tier;
}

export function ticketCreated(t: TicketEntity): Notification[] {
  const notices: Notification[] = [
    { kind: 'ticket_created', target: 'assignee_group', payload: { text: `Nouveau ticket ${t.reference} (${t.priority}) : « ${t.subject} », de ${t.requesterName}.` } },
  ];
  // The ENT already shows its own tickets to their authors.
  if (t.sourceChannel !== 'ent') {
    notices.push({
      kind: 'ticket_created',
      target: 'requester',
      payload: { text: `Votre demande a bien été enregistrée sous la référence ${t.reference}. ${capitalize(tierLabel(t.tier ?? ''))} va la traiter.` },
    });
  }
  return notices;
}

export function ticketRedirected(t: TicketEntity, redirect: string): Notification[] {
  return [{ kind: 'ticket_redirected', target: 'requester', payload: { text: redirect, entStatus: t.status } }];
}

export function ticketMovedUp(t: TicketEntity, how: 'escalated' | 'forwarded', reason: string, fromTier: string | null): Notification[] {
  const verb = how === 'escalated' ? 'escaladé' : 'transmis';
  const notices: Notification[] = [
    {
      kind: 'ticket_escalated',
      target: 'assignee_group',
      payload: { text: `Ticket ${t.reference} ${verb} vers vous depuis ${tierLabel(fromTier ?? '')} : ${reason}`, details: { reason, from: fromTier } },
    },
    {
      kind: 'ticket_escalated',
      target: 'requester',
      payload: { text: `Votre demande ${t.reference} a été transmise à ${tierLabel(t.tier ?? '')} pour être traitée.`, entStatus: t.status },
    },
  ];
  if (t.tier === 'academic_support') {
    notices.push({ kind: 'ticket_escalated', target: 'academic_support', payload: { text: `Escalade du ticket ${t.reference} : ${reason}`, details: { reason } } });
  }
  return notices;
}

const STATUS_TEXT: Partial<Record<TicketStatus, (reference: string) => string>> = {
  opened: (r) => `Votre demande ${r} a été rouverte et est en cours de traitement.`,
  waiting_for_user: (r) => `Nous avons besoin d'une précision de votre part pour avancer sur la demande ${r} : répondez simplement à ce message.`,
  resolved: (r) => `Votre demande ${r} est résolue. Si le problème persiste, répondez à ce message pour la rouvrir.`,
  closed: (r) => `Votre demande ${r} est close.`,
};

/** Told to the requester when someone else moves their ticket. */
export function statusChanged(t: TicketEntity, from: TicketStatus, to: TicketStatus): Notification[] {
  const text = STATUS_TEXT[to];
  // "new → opened" is someone starting work: nothing the requester must hear.
  if (!text || (from === 'new' && to === 'opened')) return [];
  return [{ kind: 'status_changed', target: 'requester', payload: { text: text(t.reference), entStatus: t.status } }];
}

export function messageAdded(t: TicketEntity, body: string, byRequester: boolean): Notification[] {
  if (byRequester) {
    return [{ kind: 'message_added', target: 'assignee_group', payload: { text: `Nouveau message du demandeur sur le ticket ${t.reference}.` } }];
  }
  return [{ kind: 'message_added', target: 'requester', payload: { text: body, entStatus: t.status } }];
}

export function slaReminder(t: TicketEntity, kind: DeadlineKind, dueAt: Date): Notification[] {
  return [{
    kind: 'sla_reminder',
    target: 'assignee_group',
    payload: { text: `Rappel : le délai de ${DEADLINE_LABEL[kind]} du ticket ${t.reference} arrive à échéance le ${PARIS_DATE.format(dueAt)}.`, details: { deadline: kind, dueAt: dueAt.toISOString() } },
  }];
}

export function slaBreached(t: TicketEntity, kind: DeadlineKind, dueAt: Date): Notification[] {
  return [{
    kind: 'sla_breached',
    target: 'assignee_group',
    payload: { text: `Le délai de ${DEADLINE_LABEL[kind]} du ticket ${t.reference} est dépassé depuis le ${PARIS_DATE.format(dueAt)}.`, details: { deadline: kind, dueAt: dueAt.toISOString() } },
  }];
}

export function breachReason(kind: DeadlineKind): string {
  return `Délai de ${DEADLINE_LABEL[kind]} dépassé : escalade automatique.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
