import { Profile } from '../../directory/profiles';
import { audiencesFor } from '../account-route';
import { Audience } from './audience';
import { KnowledgeBase } from '../knowledge-base';
import { frenchTypography } from './french-typography';

/**
 * Every answer for every profile and school level, and for questions about
 * someone else's account where that changes the answer, as one Markdown
 * document for review by the académie's people (in French: they read it).
 * Identical answers are listed once, under every audience that gets them.
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

function audienceName(audience: Audience): string {
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
      const who = `${audienceName(audience)} — ${LEVELS[audience.level ?? 'none']}`;
      groups.set(text, [...(groups.get(text) ?? []), who]);
    }
    for (const [text, audiences] of groups) {
      out.push(`### ${audiences.join(' ; ')}`, '', text, '');
    }
  }
  // The answers are already typeset; the headings are typeset the same way (it is idempotent).
  return frenchTypography(out.join('\n'));
}

