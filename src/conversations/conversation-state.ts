import { z } from 'zod';
import { PROFILES } from '../directory/profiles';

/** A question understood by the knowledge base, kept while the conversation goes on about it. */
const question = z.object({
  text: z.string(),
  intent: z.string(),
  category: z.string(),
  /** Whose account it is about, when not the writer's own. */
  accountProfile: z.enum(PROFILES).nullable(),
});
export type Question = z.output<typeof question>;

/** What a ticket still needs from an anonymous visitor, asked one thing at a time. */
const draft = z.object({
  question,
  profile: z.enum(PROFILES).nullable(),
  schoolStructureId: z.string().nullable(),
  name: z.string().nullable(),
  login: z.string().nullable(),
});
export type TicketDraft = z.output<typeof draft>;

export const FIELDS = ['profile', 'school', 'name', 'login'] as const;
export type DraftField = (typeof FIELDS)[number];

/**
 * Where a conversation stands: what the engine asked last and must hear back.
 * Stored as JSON with the conversation; a state that no longer reads (an older
 * version) is treated as the start.
 */
export const conversationStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  /** The profile matters for the answer: asked before answering `text`. */
  z.object({ kind: z.literal('asking_profile'), text: z.string() }),
  /** An answer was given: did it help? */
  z.object({ kind: z.literal('answered'), answerId: z.string(), question }),
  /** A person must take over: shall we pass it on? */
  z.object({ kind: z.literal('offering_ticket'), question }),
  /** Collecting what a ticket needs from a visitor nobody knows. */
  z.object({ kind: z.literal('collecting'), field: z.enum(FIELDS), draft }),
  /** A new message while a ticket is open: add it to the ticket, or is it another question? */
  z.object({ kind: z.literal('adding'), text: z.string(), reference: z.string() }),
  /** A reset of the password through the ENT: which channel on file, or whether to ask for an approval. */
  z.object({ kind: z.literal('resetting'), confirmation: z.string() }),
  /** A visitor nobody knows asks for a reset: their ENT login first. */
  z.object({ kind: z.literal('reset_login'), profile: z.enum(PROFILES).nullable() }),
]);
export type ConversationState = z.output<typeof conversationStateSchema>;

export const IDLE: ConversationState = { kind: 'idle' };

export function readState(raw: unknown): ConversationState {
  const parsed = conversationStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : IDLE;
}
