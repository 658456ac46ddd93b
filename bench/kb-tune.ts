/**
 * Measures the classifier's settings by 5-fold cross-validation on the
 * knowledge base's own example questions (articles and out-of-scope
 * examples), never on an evaluation file: each fold is classified by a model
 * built from the other four. Prints accuracy for a grid of settings, best first.
 *
 *   npm run kb:tune
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../src/common/common.module';
import { loadConfig } from '../src/config/config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { OTHER_INTENT } from '../src/routing/intents';
import { KbModule } from '../src/kb/kb.module';
import { KnowledgeBase } from '../src/kb/knowledge-base';
import { decide, DecisionPolicy } from '../src/kb/understanding/decision';
import { IntentModel, LabelledPhrase, ModelOptions } from '../src/kb/understanding/intent-model';
import { normalizeText, withoutCourtesy } from '../src/kb/understanding/normalize';
import { TextAnalyzer } from '../src/kb/understanding/text-analyzer';

const FOLDS = 5;

interface Outcome {
  options: ModelOptions;
  policy: DecisionPolicy;
  accuracy: number;
  inScope: number;
  outOfScope: number;
}

async function main(): Promise<void> {
  const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'error', DEMO_DATA: 'false' });
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, KbModule] })
  class TuneModule {}
  const app = await NestFactory.createApplicationContext(TuneModule, { logger: false, abortOnError: false });
  const phrases = app.get(KnowledgeBase).phrases();
  const lexemes = await app.get(TextAnalyzer).analyseMany(phrases.map((p) => withoutCourtesy(normalizeText(p.text))));
  await app.close();
  const labelled: LabelledPhrase[] = phrases.map((p, i) => ({ label: p.label, kind: p.kind, lexemes: lexemes[i] }));
  const examples = labelled.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'example');

  if (process.env.TUNE_REPORT) return reportPerLabel(labelled, examples);
  const outcomes: Outcome[] = [];
  const grid = process.env.TUNE_FULL ? { l2: [1e-5, 1e-4, 1e-3], trigram: [0, 0.3, 0.6], keyword: [0.5, 1] } : { l2: [1e-4], trigram: [0.6], keyword: [1] };
  for (const l2 of grid.l2) {
    for (const trigramWeight of grid.trigram) {
      for (const keywordWeight of grid.keyword) {
       for (const outOfScopeWeight of [0.5, 1, 1.5]) {
        const options: ModelOptions = { l2, epochs: 40, trigramWeight, keywordWeight, outOfScopeWeight };
        const ranked: { label: string; ranking: ReturnType<IntentModel['rank']> }[] = [];
        for (let fold = 0; fold < FOLDS; fold++) {
          const model = new IntentModel(labelled.filter((_, i) => i % FOLDS !== fold), options);
          for (const { p, i } of examples) if (i % FOLDS === fold) ranked.push({ label: p.label, ranking: model.rank(p.lexemes) });
        }
        for (const abstainBelow of [0.1, 0.2, 0.3, 0.4]) {
          for (const otherMargin of [-0.1, 0, 0.1]) {
            const policy = { abstainBelow, otherMargin };
            let ok = 0, inN = 0, inOk = 0, outN = 0, outOk = 0;
            for (const r of ranked) {
              const got = decide(r.ranking, policy).label === r.label;
              if (got) ok++;
              if (r.label === OTHER_INTENT) { outN++; if (got) outOk++; } else { inN++; if (got) inOk++; }
            }
            outcomes.push({ options, policy, accuracy: ok / ranked.length, inScope: inOk / inN, outOfScope: outOk / outN });
          }
        }
       }
      }
    }
  }
  outcomes.sort((a, b) => b.accuracy + b.outOfScope * 0.2 - (a.accuracy + a.outOfScope * 0.2));
  console.log(`${examples.length} examples, ${FOLDS}-fold cross-validation`);
  for (const o of outcomes.slice(0, 15)) {
    console.log(
      `accuracy=${(100 * o.accuracy).toFixed(1)} in-scope=${(100 * o.inScope).toFixed(1)} out-of-scope=${(100 * o.outOfScope).toFixed(1)} ` +
        `options=${JSON.stringify(o.options)} policy=${JSON.stringify(o.policy)}`,
    );
  }
}

/** With the default settings: recall per label and the most frequent confusions. */
function reportPerLabel(labelled: LabelledPhrase[], examples: { p: LabelledPhrase; i: number }[]): void {
  const perLabel = new Map<string, { n: number; ok: number }>();
  const confusions = new Map<string, number>();
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = new IntentModel(labelled.filter((_, i) => i % FOLDS !== fold));
    for (const { p, i } of examples) {
      if (i % FOLDS !== fold) continue;
      const got = decide(model.rank(p.lexemes)).label;
      const row = perLabel.get(p.label) ?? { n: 0, ok: 0 };
      row.n++;
      if (got === p.label) row.ok++;
      else confusions.set(`${p.label} → ${got}`, (confusions.get(`${p.label} → ${got}`) ?? 0) + 1);
      perLabel.set(p.label, row);
    }
  }
  for (const [label, { n, ok }] of [...perLabel].sort((a, b) => a[1].ok / a[1].n - b[1].ok / b[1].n)) {
    console.log(`${label.padEnd(30)} ${ok}/${n}`);
  }
  console.log('confusions:');
  for (const [c, n] of [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n} ${c}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
