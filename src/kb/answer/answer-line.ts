import { z } from 'zod';
import { SCHOOL_LEVELS } from '../../directory/directory.entities';
import { PROFILES } from '../../directory/profiles';
import { isIntentId } from '../../routing/intents';
import { KnowledgeBase } from '../knowledge-base';

/**
 * One line of `npm run -s answer`: {id, intent, profile, level} in (level:
 * primary, secondary, or absent when unknown), {id, text} out, `text` being
 * the plain-text answer /assist gives (for "other", the sentence that says a
 * person will take over).
 */
export const answerLineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  intent: z.string().refine(isIntentId, 'unknown intent'),
  profile: z.enum(PROFILES).nullable().optional(),
  level: z.enum(SCHOOL_LEVELS).nullable().optional(),
});

export type AnswerLine = { id: string | number; text: string } | { error: string };

export function answerLine(kb: KnowledgeBase, raw: string): AnswerLine {
  const parsed = answerLineSchema.safeParse(safeJson(raw));
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ') };
  const { id, intent, profile, level } = parsed.data;
  const audience = { profile: profile ?? null, account: null, level: level ?? null };
  return { id, text: (kb.answer(intent, audience) ?? kb.ticketReply(intent, audience)).text };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
