/**
 * The scoring half of understanding, in plain TypeScript: the database turns
 * text into French lexemes (stemmed, unaccented, typos corrected), this model
 * turns lexemes into the probability of each label.
 *
 * Features: lexemes, pairs of neighbouring lexemes ("mot pass"), and letter
 * trigrams of each lexeme (so "reinitialis" and "reinitialisat" still meet),
 * weighted by TF-IDF. A multinomial logistic regression, trained at boot on the
 * knowledge base's own phrases in well under a second, gives calibrated
 * probabilities: the confidence the API reports and the classifier thresholds.
 */

import { OTHER_INTENT } from '../../routing/intents';

export interface LabelledPhrase {
  label: string;
  /** Lexemes in text order. */
  lexemes: readonly string[];
  kind: 'example' | 'keyword' | 'title';
}

export interface LabelScore {
  label: string;
  /** Probability in [0, 1]; all labels sum to 1. */
  score: number;
}

export interface ModelOptions {
  /** L2 regularisation: higher generalises more, fits the examples less. */
  l2: number;
  epochs: number;
  /** Weight of letter trigrams relative to whole lexemes. */
  trigramWeight: number;
  /** Keywords and titles are short, telling phrases: how much they count next to an example. */
  keywordWeight: number;
  /** How much an out-of-scope example counts: they share everyday school words with real questions. */
  outOfScopeWeight: number;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = { l2: 1e-4, epochs: 40, trigramWeight: 0.6, keywordWeight: 1, outOfScopeWeight: 1 };

type Vector = Map<string, number>;

export function featuresOf(lexemes: readonly string[], trigramWeight = DEFAULT_MODEL_OPTIONS.trigramWeight): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string, w = 1) => counts.set(f, (counts.get(f) ?? 0) + w);
  lexemes.forEach((lexeme, i) => {
    add(lexeme);
    if (i > 0) add(`${lexemes[i - 1]}_${lexeme}`);
    if (trigramWeight > 0 && lexeme.length >= 4) {
      const padded = `^${lexeme}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`#${padded.slice(j, j + 3)}`, trigramWeight);
    }
  });
  return counts;
}

function normalise(vector: Vector): Vector {
  let norm = 0;
  for (const w of vector.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [f, w] of vector) vector.set(f, w / norm);
  return vector;
}

/** A small deterministic generator: training gives the same model on every boot. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export class IntentModel {
  readonly labels: readonly string[];
  private readonly idf = new Map<string, number>();
  /** feature → one weight per label. */
  private readonly weights = new Map<string, Float64Array>();
  private readonly bias: Float64Array;

  constructor(
    phrases: readonly LabelledPhrase[],
    private readonly options: ModelOptions = DEFAULT_MODEL_OPTIONS,
  ) {
    this.labels = [...new Set(phrases.map((p) => p.label))].sort();
    this.bias = new Float64Array(this.labels.length);
    const featureSets = phrases.map((p) => featuresOf(p.lexemes, options.trigramWeight));
    const documentFrequency = new Map<string, number>();
    for (const features of featureSets) {
      for (const f of features.keys()) documentFrequency.set(f, (documentFrequency.get(f) ?? 0) + 1);
    }
    for (const [f, df] of documentFrequency) this.idf.set(f, Math.log(1 + phrases.length / df));

    const samples = phrases.map((p, i) => ({
      x: this.weigh(featureSets[i]),
      y: this.labels.indexOf(p.label),
      weight: (p.kind === 'example' ? 1 : options.keywordWeight) * (p.label === OTHER_INTENT ? options.outOfScopeWeight : 1),
    }));
    this.train(samples);
  }

  /** Every label with its probability, best first. */
  rank(lexemes: readonly string[]): LabelScore[] {
    const probabilities = this.predict(this.weigh(featuresOf(lexemes, this.options.trigramWeight)));
    return this.labels
      .map((label, i) => ({ label, score: probabilities[i] }))
      .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  }

  /** Softmax regression by stochastic gradient descent with a decaying step and L2 shrinkage. */
  private train(samples: { x: Vector; y: number; weight: number }[]): void {
    const random = seededRandom(42);
    const order = samples.map((_, i) => i);
    const classes = this.labels.length;
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const rate = 0.5 / (1 + epoch * 0.1);
      for (const index of order) {
        const { x, y, weight } = samples[index];
        const p = this.predict(x);
        for (let c = 0; c < classes; c++) {
          const gradient = (p[c] - (c === y ? 1 : 0)) * weight;
          this.bias[c] -= rate * gradient * 0.1;
          if (gradient === 0) continue;
          for (const [f, v] of x) {
            let w = this.weights.get(f);
            if (!w) this.weights.set(f, (w = new Float64Array(classes)));
            w[c] -= rate * (gradient * v + this.options.l2 * w[c]);
          }
        }
      }
    }
  }

  private predict(x: Vector): Float64Array {
    const logits = Float64Array.from(this.bias);
    for (const [f, v] of x) {
      const w = this.weights.get(f);
      if (!w) continue;
      for (let c = 0; c < logits.length; c++) logits[c] += w[c] * v;
    }
    let max = -Infinity;
    for (const l of logits) max = Math.max(max, l);
    let sum = 0;
    for (let c = 0; c < logits.length; c++) sum += logits[c] = Math.exp(logits[c] - max);
    for (let c = 0; c < logits.length; c++) logits[c] /= sum;
    return logits;
  }

  /** TF-IDF with sublinear term frequency, unit length. Features never seen in training carry no weight. */
  private weigh(features: Map<string, number>): Vector {
    const vector: Vector = new Map();
    for (const [f, tf] of features) {
      const idf = this.idf.get(f);
      if (idf) vector.set(f, (tf >= 1 ? 1 + Math.log(tf) : tf) * idf);
    }
    return normalise(vector);
  }
}
