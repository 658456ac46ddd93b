import { z } from 'zod';
import { dateTimeField } from '../../common/date-time-field';
import { hasNoLoneSurrogate, hasNoNul, LONE_SURROGATE_MESSAGE, NUL_MESSAGE, textField } from '../../common/text-field';
import { PROFILES } from '../../directory/profiles';

/** Longest question accepted: a long, rambling message fits; a pasted document does not. */
export const MAX_QUESTION_CHARS = 4000;

export const assistSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'The question is empty.')
      .max(MAX_QUESTION_CHARS, `The question is longer than ${MAX_QUESTION_CHARS} characters.`)
      .refine(hasNoNul, NUL_MESSAGE)
      .refine(hasNoLoneSurrogate, LONE_SURROGATE_MESSAGE)
      .describe('The message as the person wrote it'),
    profile: z.enum(PROFILES).nullable().optional().describe('ENT profile of the person, when known'),
    schoolId: textField(1, 64).optional().describe('ENT structure id or UAI of their school'),
  })
  .strict();
export type AssistInput = z.output<typeof assistSchema>;

export const feedbackSchema = z.object({ helpful: z.boolean().describe('Did the answer solve the problem?') }).strict();
export type FeedbackInput = z.output<typeof feedbackSchema>;

export const answerIdSchema = z.uuid();

export const statsQuerySchema = z.object({ since: dateTimeField().optional() }).strict();
export type StatsQuery = z.output<typeof statsQuerySchema>;
