import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../config/config';
import { SCHOOL_LEVELS } from '../../directory/directory.entities';
import { PROFILES } from '../../tickets/ticket.entity';
import { isIntentId } from '../intents';
import { KnowledgeBase } from '../knowledge-base';

/**
 * Answers as people read them: JSON lines {id, intent, profile, level} on
 * stdin (level: primary, secondary, or absent when unknown), one line
 * {id, text} per input on stdout, `text` being the plain-text answer /assist
 * gives (for "other", the sentence that says a person will take over).
 * Needs no database: the articles and the routing rules are files.
 */
const lineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  intent: z.string().refine(isIntentId, 'unknown intent'),
  profile: z.enum(PROFILES).nullable().optional(),
  level: z.enum(SCHOOL_LEVELS).nullable().optional(),
});

async function main(): Promise<number> {
  const kb = new KnowledgeBase(loadConfig({ ...process.env, LOG_LEVEL: 'error' }));
  let failures = 0;
  for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!raw.trim()) continue;
    const parsed = lineSchema.safeParse(safeJson(raw));
    if (!parsed.success) {
      failures++;
      console.error(`skipped line: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
      continue;
    }
    const { id, intent, profile, level } = parsed.data;
    const audience = { profile: profile ?? null, account: null, level: level ?? null };
    const text = kb.answer(intent, audience)?.text ?? kb.ticketReply(intent, audience).text;
    process.stdout.write(JSON.stringify({ id, text }) + '\n');
  }
  return failures ? 1 : 0;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
