import { loadRoutingRules } from '../../routing/routing-rules';
import { KnowledgeBase } from '../knowledge-base';
import { answerLine } from './answer-line';
import { exportMarkdown } from './export-markdown';
import { frenchTypography } from './french-typography';

const kb = new KnowledgeBase(loadRoutingRules());
const answer = (line: object) => answerLine(kb, JSON.stringify(line));

describe('npm run answer, one line', () => {
  it('gives the answer a person reads, for the profile and the level', () => {
    const primary = answer({ id: 'a', intent: 'login.forgot_password', profile: 'Teacher', level: 'primary' });
    const secondary = answer({ id: 'b', intent: 'login.forgot_password', profile: 'Teacher', level: 'secondary' });
    expect(primary).toMatchObject({ id: 'a', text: expect.stringMatching(/identifiants académiques/) });
    expect(secondary).toMatchObject({ id: 'b', text: expect.stringMatching(/identifiants ENT/) });
    expect(JSON.stringify(secondary)).not.toMatch(/\*\*|\{\{/);
  });

  it('treats an absent or null level as unknown, and names both cases', () => {
    const absent = answer({ id: 1, intent: 'login.credentials', profile: 'Teacher' });
    expect(absent).toEqual(answer({ id: 1, intent: 'login.credentials', profile: 'Teacher', level: null }));
    expect(absent).toMatchObject({ text: expect.stringMatching(/identifiants académiques[\s\S]*identifiants ENT/) });
  });

  it('says a person will take over for "other", in « tu » for a pupil', () => {
    expect(answer({ id: 'o', intent: 'other', profile: 'Student' })).toMatchObject({ text: expect.stringMatching(/^Je n'ai pas de réponse toute prête\. Ta demande est transmise à l'administrateur ENT de l'école/) });
    expect(answer({ id: 'o', intent: 'other', profile: 'Teacher' })).toMatchObject({ text: expect.stringMatching(/Votre demande est transmise à l'ERUN/) });
  });

  it('refuses a line it cannot read, saying why', () => {
    expect(answerLine(kb, 'pas du json')).toHaveProperty('error');
    expect(answer({ id: 'x', intent: 'login.teleport' })).toMatchObject({ error: expect.stringMatching(/intent: unknown intent/) });
    expect(answer({ id: 'x', intent: 'other', level: 'college' })).toMatchObject({ error: expect.stringMatching(/level/) });
  });
});

describe('npm run kb:export', () => {
  const markdown = exportMarkdown(kb);

  it('lists every article once, with the answers of every profile and level', () => {
    for (const article of kb.articles.values()) {
      expect(markdown.split(`\n## ${frenchTypography(article.title)}\n`).length - 1).toBe(1);
    }
    expect(markdown).toMatch(/### .*Élève — école/);
    expect(markdown).toMatch(/Enseignant, pour le compte d’un élève — école/);
    expect(markdown).toMatch(/collège ou lycée/);
  });

  it('never breaks a line before « : ; ? ! »', () => {
    expect(markdown).not.toMatch(/ [:;?!]/);
  });
});
