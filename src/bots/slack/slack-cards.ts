import type { KnownBlock } from '@slack/types';
import { TicketEntity } from '../../tickets/ticket.entity';
import { statusFromCode } from '../../tickets/ticket-status';
import { frenchDate, PRIORITY_LABELS, PROFILE_LABELS, SLACK_TEXTS as T, STATUS_LABELS } from './slack-texts';

/** Action ids of the card's buttons and of the modals: the listeners are registered under these. */
export const ACTIONS = {
  claim: 'relais_claim',
  reply: 'relais_reply',
  escalate: 'relais_escalate',
  forward: 'relais_forward',
  resolve: 'relais_resolve',
  reassign: 'relais_reassign',
} as const;
export const VIEWS = { reply: 'relais_reply_view', escalate: 'relais_escalate_view', forward: 'relais_forward_view' } as const;

/** Slack's mrkdwn controls: what people wrote is shown as written, never as a mention or a link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface CardFacts {
  ticket: TicketEntity;
  schoolName: string | null;
  tierLabel: string | null;
}

/** The next deadline the ticket must meet: the first answer, then the resolution. */
export function nextDue(ticket: TicketEntity): Date | null {
  return (!ticket.firstRespondedAt && ticket.firstResponseDueAt) || ticket.resolutionDueAt || null;
}

/** The ticket card: who asks (name, profile, school; never a secret), what about, how urgent, and the buttons while it is open. */
export function ticketCard({ ticket, schoolName, tierLabel }: CardFacts): { text: string; blocks: KnownBlock[] } {
  const status = statusFromCode(ticket.status);
  const profile = ticket.requesterProfile ? ` (${PROFILE_LABELS[ticket.requesterProfile]})` : '';
  const due = nextDue(ticket);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${ticket.reference} · ${ticket.subject}`, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `${T.field(T.requester)}\n${escapeMrkdwn(ticket.requesterName)}${profile}` },
        { type: 'mrkdwn', text: `${T.field(T.school)}\n${escapeMrkdwn(schoolName ?? T.unknownSchool)}` },
        { type: 'mrkdwn', text: `${T.field(T.intent)}\n${escapeMrkdwn(ticket.intent ?? 'other')}` },
        { type: 'mrkdwn', text: `${T.field(T.priority)}\n${PRIORITY_LABELS[ticket.priority]}` },
        { type: 'mrkdwn', text: `${T.field(T.slaDue)}\n${due ? frenchDate(due) : T.noDeadline}` },
        { type: 'mrkdwn', text: `${T.field(T.status)}\n${STATUS_LABELS[status]}${tierLabel ? ` · ${escapeMrkdwn(tierLabel)}` : ''}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(cut(ticket.description || ticket.subject, 2800)) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${T.field(T.assignee)} ${ticket.assigneeName ? escapeMrkdwn(ticket.assigneeName) : T.nobody}` }] },
  ];
  if (status !== 'resolved' && status !== 'closed') {
    const value = ticket.reference;
    blocks.push({
      type: 'actions',
      block_id: 'relais_ticket_actions',
      elements: [
        ...(ticket.assigneeId ? [] : [{ type: 'button' as const, action_id: ACTIONS.claim, text: { type: 'plain_text' as const, text: T.claim }, style: 'primary' as const, value }]),
        { type: 'button', action_id: ACTIONS.reply, text: { type: 'plain_text', text: T.reply }, value },
        { type: 'button', action_id: ACTIONS.escalate, text: { type: 'plain_text', text: T.escalate }, value },
        { type: 'button', action_id: ACTIONS.forward, text: { type: 'plain_text', text: T.forward }, value },
        { type: 'button', action_id: ACTIONS.resolve, text: { type: 'plain_text', text: T.resolve }, value },
        { type: 'users_select', action_id: ACTIONS.reassign, placeholder: { type: 'plain_text', text: T.reassignPlaceholder } },
      ],
    });
  }
  return { text: T.cardFallback(ticket.reference, ticket.subject), blocks };
}

const input = (blockId: string, label: string, multiline: boolean, optional = false) => ({
  type: 'input' as const,
  block_id: blockId,
  optional,
  label: { type: 'plain_text' as const, text: label },
  element: { type: 'plain_text_input' as const, action_id: 'value', multiline, max_length: 3000 },
});

/** The reply modal: the text, and whether it is an internal note. The reference is all `private_metadata` carries. */
export function replyModal(reference: string) {
  return {
    type: 'modal' as const,
    callback_id: VIEWS.reply,
    private_metadata: reference,
    title: { type: 'plain_text' as const, text: T.replyTitle },
    submit: { type: 'plain_text' as const, text: T.send },
    close: { type: 'plain_text' as const, text: T.cancel },
    blocks: [
      // Optional for Slack, checked by Relais: an empty answer gets a French error under the field.
      input('text', T.replyLabel, true, true),
      {
        type: 'input' as const,
        block_id: 'internal',
        optional: true,
        label: { type: 'plain_text' as const, text: T.internalNote },
        element: { type: 'checkboxes' as const, action_id: 'value', options: [{ text: { type: 'plain_text' as const, text: T.replyInternal }, value: 'internal' }] },
      },
    ],
  };
}

/** The escalation modal (reason and target tier) or the forwarding one (reason). */
export function reasonModal(kind: 'escalate' | 'forward', reference: string, targets: { tier: string; label: string }[]) {
  return {
    type: 'modal' as const,
    callback_id: kind === 'escalate' ? VIEWS.escalate : VIEWS.forward,
    private_metadata: reference,
    title: { type: 'plain_text' as const, text: cut(kind === 'escalate' ? T.escalateTitle : T.forwardTitle, 24) },
    submit: { type: 'plain_text' as const, text: T.send },
    close: { type: 'plain_text' as const, text: T.cancel },
    blocks: [
      input('reason', T.reasonLabel, true, true),
      ...(kind === 'escalate'
        ? [
            {
              type: 'input' as const,
              block_id: 'tier',
              label: { type: 'plain_text' as const, text: T.targetTier },
              element: {
                type: 'static_select' as const,
                action_id: 'value',
                initial_option: targets[0] ? { text: { type: 'plain_text' as const, text: cut(targets[0].label, 75) }, value: targets[0].tier } : undefined,
                options: targets.map((t) => ({ text: { type: 'plain_text' as const, text: cut(t.label, 75) }, value: t.tier })),
              },
            },
          ]
        : []),
    ],
  };
}
