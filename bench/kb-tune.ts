/**
 * Measures how well the classifier reads what it was not trained on, from the
 * knowledge base's own examples only (never from an evaluation file):
 *
 * - style-held-out cross-validation, the figure to quote: each way of writing
 *   (SMS spelling, typos, long letters, English, pupils' words…) is classified
 *   by a model trained on all the others, typo correction included (the
 *   vocabulary is the training part's);
 * - the same per label and its most frequent confusions (TUNE_REPORT=1);
 * - a grid of model settings and abstention policies, best first (TUNE_GRID=1):
 *   the abstention bars in decision.ts are chosen here, on predictions for
 *   examples the model did not see.
 *
 *   npm run kb:tune
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../src/common/common.module';
import { loadConfig } from '../src/config/config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { Style, STYLES } from '../src/kb/article';
import { OTHER_INTENT } from '../src/routing/intents';
import { KbModule } from '../src/kb/kb.module';
import { KbPhrase, KnowledgeBase } from '../src/kb/knowledge-base';
import { decide, DecisionPolicy, DEFAULT_DECISION_POLICY } from '../src/kb/understanding/decision';
import { DEFAULT_MODEL_OPTIONS, IntentModel, LabelledPhrase, LabelScore, ModelOptions } from '../src/kb/understanding/intent-model';
import { messageText, phraseText, readingOf } from '../src/kb/understanding/reading';
import { TextAnalyzer } from '../src/kb/understanding/text-analyzer';

interface Held {
  label: string;
  style: Style;
  text: string;
  ranking: LabelScore[];
}

interface Score {
  accuracy: number;
  inScope: number;
  outOfScope: number;
  falseOther: number;
  n: number;
}

function score(held: readonly Held[], policy: DecisionPolicy): Score {
  let ok = 0, inN = 0, inOk = 0, outN = 0, outOk = 0, falseOther = 0;
  for (const h of held) {
    const got = decide(h.ranking, policy).label;
    if (got === h.label) ok++;
    if (h.label === OTHER_INTENT) {
      outN++;
      if (got === h.label) outOk++;
    } else {
      inN++;
      if (got === h.label) inOk++;
      if (got === OTHER_INTENT) falseOther++;
    }
  }
  return { accuracy: ok / held.length, inScope: inOk / inN, outOfScope: outOk / outN, falseOther: falseOther / inN, n: held.length };
}

const pct = (x: number) => (100 * x).toFixed(1);
const line = (s: Score) => `accuracy=${pct(s.accuracy)}% in-scope=${pct(s.inScope)}% out-of-scope=${pct(s.outOfScope)}% in-scope→other=${pct(s.falseOther)}% (n=${s.n})`;

async function main(): Promise<void> {
  const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'error', DEMO_DATA: 'false' });
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, KbModule] })
  class TuneModule {}
  const app = await NestFactory.createApplicationContext(TuneModule, { logger: false, abortOnError: false });
  const phrases = app.get(KnowledgeBase).phrases();
  const analyzer = app.get(TextAnalyzer);
  const t0 = performance.now();

  // Training side: the phrases as the boot reads them. Held-out side: as a message is read, against the training vocabulary.
  const texts = phrases.map((p) => phraseText(p.text));
  const trainLexemes = await analyzer.analyseMany(texts);
  const labelled: LabelledPhrase[] = phrases.map((p, i) => ({ label: p.label, kind: p.kind, ...readingOf(texts[i], trainLexemes[i]) }));

  const folds: { style: Style; train: LabelledPhrase[]; test: { phrase: KbPhrase; reading: LabelledPhrase }[] }[] = [];
  for (const style of STYLES) {
    const inFold = (p: KbPhrase) => p.kind === 'example' && p.style === style;
    const train = labelled.filter((_, i) => !inFold(phrases[i]));
    if (train.length === labelled.length) continue;
    await analyzer.replaceVocabulary([...new Set(train.flatMap((p) => p.lexemes))]);
    const test: { phrase: KbPhrase; reading: LabelledPhrase }[] = [];
    for (const phrase of phrases.filter(inFold)) {
      const text = messageText(phrase.text);
      const lexemes = await analyzer.analyseMessage(text);
      test.push({ phrase, reading: { label: phrase.label, kind: 'example', ...readingOf(text, lexemes) } });
    }
    folds.push({ style, train, test });
  }
  await app.close();
  // TUNE_DUMP=file.json: the prepared folds, to try model variants without the database.
  if (process.env.TUNE_DUMP) writeFileSync(process.env.TUNE_DUMP, JSON.stringify({ labelled, folds }));

  const crossValidate = (options: ModelOptions): Held[] =>
    folds.flatMap(({ style, train, test }) => {
      const model = new IntentModel(train, options);
      return test.map(({ phrase, reading }) => ({ label: phrase.label, style, text: phrase.text, ranking: model.rank(reading) }));
    });

  const trainStart = performance.now();
  new IntentModel(labelled);
  const trainMs = performance.now() - trainStart;
  const held = crossValidate(DEFAULT_MODEL_OPTIONS);
  const examples = phrases.filter((p) => p.kind === 'example').length;
  console.log(`${examples} examples in ${folds.length} styles; training on everything takes ${trainMs.toFixed(0)} ms; prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`style-held-out cross-validation (default settings, policy ${JSON.stringify(DEFAULT_DECISION_POLICY)}):`);
  console.log(`  ${line(score(held, DEFAULT_DECISION_POLICY))}`);
  for (const { style } of folds) console.log(`  held out ${style.padEnd(8)} ${line(score(held.filter((h) => h.style === style), DEFAULT_DECISION_POLICY))}`);

  if (process.env.TUNE_REPORT) report(held);
  if (process.env.TUNE_GRID) grid(crossValidate);
}

function report(held: Held[]): void {
  const perLabel = new Map<string, { n: number; ok: number }>();
  const confusions = new Map<string, string[]>();
  for (const h of held) {
    const got = decide(h.ranking).label;
    const row = perLabel.get(h.label) ?? { n: 0, ok: 0 };
    row.n++;
    if (got === h.label) row.ok++;
    else confusions.set(`${h.label} → ${got}`, [...(confusions.get(`${h.label} → ${got}`) ?? []), `[${h.style}] ${h.text.slice(0, 80)}`]);
    perLabel.set(h.label, row);
  }
  console.log('recall per label:');
  for (const [label, { n, ok }] of [...perLabel].sort((a, b) => a[1].ok / a[1].n - b[1].ok / b[1].n)) console.log(`  ${label.padEnd(30)} ${ok}/${n}`);
  console.log('confusions:');
  for (const [c, texts] of [...confusions].sort((a, b) => b[1].length - a[1].length).slice(0, 40)) {
    console.log(`  ${texts.length} ${c}`);
    for (const t of texts.slice(0, 3)) console.log(`      ${t}`);
  }
}

/** TUNE_GRID=1, or a JSON object of lists to try instead, e.g. TUNE_GRID='{"epochs":[10,20],"l2":[1e-4]}'. */
function grid(crossValidate: (options: ModelOptions) => Held[]): void {
  const custom = process.env.TUNE_GRID!.startsWith('{') ? (JSON.parse(process.env.TUNE_GRID!) as Partial<Record<keyof ModelOptions, number[]>>) : {};
  // Every setting at its default, except those the grid varies.
  const axes = {
    ...(Object.fromEntries(Object.entries(DEFAULT_MODEL_OPTIONS).map(([key, value]) => [key, [value]])) as Record<keyof ModelOptions, number[]>),
    l2: [3e-5, 1e-4, 3e-4],
    trigramWeight: [0.3, 0.6],
    outOfScopeWeight: [1, 1.5, 2],
    bayesWeight: [0, 0.3],
    ...custom,
  };
  let settings: ModelOptions[] = [{ ...DEFAULT_MODEL_OPTIONS }];
  for (const [key, values] of Object.entries(axes) as [keyof ModelOptions, number[]][]) {
    settings = settings.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  }
  const outcomes: { options: ModelOptions; policy: DecisionPolicy; s: Score; ms: number }[] = [];
  for (const options of settings) {
    const t0 = performance.now();
    const held = crossValidate(options);
    const ms = (performance.now() - t0) / 9;
    for (const abstainBelow of [0.1, 0.15, 0.2, 0.25, 0.3]) {
      for (const otherMargin of [-0.2, -0.1, 0, 0.1]) {
        const policy = { abstainBelow, otherMargin };
        outcomes.push({ options, policy, s: score(held, policy), ms });
      }
    }
  }
  console.log(`each setting at the default policy ${JSON.stringify(DEFAULT_DECISION_POLICY)}:`);
  for (const o of outcomes.filter((o) => o.policy.abstainBelow === DEFAULT_DECISION_POLICY.abstainBelow && o.policy.otherMargin === DEFAULT_DECISION_POLICY.otherMargin)) {
    const changed = Object.entries(o.options).filter(([key, value]) => DEFAULT_MODEL_OPTIONS[key as keyof ModelOptions] !== value);
    console.log(`  ${line(o.s)} train≈${o.ms.toFixed(0)}ms ${changed.length ? JSON.stringify(Object.fromEntries(changed)) : '(defaults)'}`);
  }
  // Accuracy first; out-of-scope recognition counts too (a wrong article is worse than a ticket).
  outcomes.sort((a, b) => b.s.accuracy + 0.3 * b.s.outOfScope - (a.s.accuracy + 0.3 * a.s.outOfScope));
  console.log('grid (style-held-out), best first:');
  for (const o of outcomes.slice(0, 20)) console.log(`  ${line(o.s)} train≈${o.ms.toFixed(0)}ms options=${JSON.stringify(o.options)} policy=${JSON.stringify(o.policy)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
