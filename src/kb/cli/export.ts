import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../config/config';
import { Profile } from '../../tickets/ticket.entity';
import { audiencesFor } from '../account-route';
import { Audience } from '../answer/audience';
import { KnowledgeBase } from '../knowledge-base';

/**
 * Every answer for every profile and school level, and for questions about
 * someone else's account where that changes the answer, in one Markdown file
 * for review by the académie's people (in French: they read it).
 *
 *   npm run kb:export [-- file.md]     (default: kb-answers.md)
 */
const READERS: Record<string, string> = {
  none: 'Profil inconnu',
  Teacher: 'Enseignant',
  Personnel: 'Personnel (direction, administration, ERUN, AESH…)',
  Relative: 'Parent',
  Student: 'Élève',
  Guest: 'Compte manuel (famille d’accueil, invité, bénévole)',
};
const ACCOUNTS: Record<Profile, string> = {
  Teacher: 'pour le compte d’un enseignant',
  Personnel: 'pour le compte d’un personnel',
  Relative: 'pour le compte d’un parent',
  Student: 'pour le compte d’un élève',
  Guest: 'pour un compte manuel',
};
const LEVELS: Record<string, string> = { none: 'niveau inconnu', primary: 'école', secondary: 'collège ou lycée' };

function describe(audience: Audience): string {
  const reader = READERS[audience.profile ?? 'none'];
  return audience.account ? `${reader}, ${ACCOUNTS[audience.account]}` : reader;
}

export function exportMarkdown(kb: KnowledgeBase): string {
  const out: string[] = ['# Relais : toutes les réponses de la base de connaissances', ''];
  out.push(
    'Chaque réponse est donnée telle que la personne la lit, pour chaque profil et chaque type d’établissement ' +
      '(école ; collège ou lycée ; inconnu). Les réponses identiques sont regroupées.',
    '',
  );
  for (const article of [...kb.articles.values()].sort((a, b) => a.intent.localeCompare(b.intent))) {
    out.push(`## ${article.title}`, '', `Intention \`${article.intent}\` · guides sources : ${article.seeds.join(', ')}`, '', `> ${article.summary}`, '');
    const groups = new Map<string, string[]>();
    for (const audience of audiencesFor(article.intent)) {
      const text = kb.answer(article.intent, audience)!.markdown;
      const who = `${describe(audience)} — ${LEVELS[audience.level ?? 'none']}`;
      groups.set(text, [...(groups.get(text) ?? []), who]);
    }
    for (const [text, audiences] of groups) {
      out.push(`### ${audiences.join(' ; ')}`, '', text, '');
    }
  }
  return out.join('\n');
}

function main(): void {
  const file = resolve(process.argv[2] ?? 'kb-answers.md');
  const kb = new KnowledgeBase(loadConfig({ ...process.env, LOG_LEVEL: 'error' }));
  writeFileSync(file, exportMarkdown(kb));
  console.log(`wrote ${file}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
  process.exit(1);
}
