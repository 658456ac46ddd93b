import { rulesOf } from '../../routing/routing-rules';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../../config/config';
import { answerLine } from '../answer/answer-line';
import { KnowledgeBase } from '../knowledge-base';

/**
 * Answers as people read them: JSON lines {id, intent, profile, level} on
 * stdin, one line {id, text} per input on stdout (see answerLine). Needs no
 * database: the articles and the routing rules are files.
 */
async function main(): Promise<number> {
  const kb = new KnowledgeBase(rulesOf(loadConfig({ ...process.env, LOG_LEVEL: 'error' })));
  let failures = 0;
  for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!raw.trim()) continue;
    const line = answerLine(kb, raw);
    if ('error' in line) {
      failures++;
      console.error(`skipped line: ${line.error}`);
      continue;
    }
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
