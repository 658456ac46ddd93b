import { rulesOf } from '../../routing/routing-rules';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../config/config';
import { exportMarkdown } from '../answer/export-markdown';
import { KnowledgeBase } from '../knowledge-base';

/**
 * Writes every answer, for every profile and level, into one Markdown file for review.
 *
 *   npm run kb:export [-- file.md]     (default: kb-answers.md)
 */
function main(): void {
  const file = resolve(process.argv[2] ?? 'kb-answers.md');
  const kb = new KnowledgeBase(rulesOf(loadConfig({ ...process.env, LOG_LEVEL: 'error' })));
  writeFileSync(file, exportMarkdown(kb));
  console.log(`wrote ${file}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
  process.exit(1);
}
