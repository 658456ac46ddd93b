/**
 * The scoring half of understanding, in plain TypeScript: the database turns
 * text into French lexemes (stemmed, unaccented, typos corrected), this model
 * turns lexemes into the probability of each label.
 *
 * Features: lexemes, pairs of neighbouring lexemes ("mot pass"), letter
 * trigrams of each lexeme (so "reinitialis" and "reinitialisat" still meet)
 * the sound of each word (so "conte" meets "compte"), and the words as written
 * with their pairs ("mon compte", "comment bloquer": what stemming and stop
 * words drop), weighted by TF-IDF. A multinomial logistic regression, trained at boot on the
 * knowledge base's own phrases in well under a second, gives calibrated
 * probabilities: the confidence the API reports and the classifier thresholds.
 */

import { memoized } from '../../common/memoized';
import { OTHER_INTENT } from '../../routing/intents';
import { Reading } from './reading';

export interface LabelledPhrase extends Reading {
  label: string;
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
  /** First epoch's step size; it decays with the epochs. */
  learningRate: number;
  /** Weight of letter trigrams relative to whole lexemes. */
  trigramWeight: number;
  /** Keywords and titles are short, telling phrases: how much they count next to an example. */
  keywordWeight: number;
  /** How much an out-of-scope example counts: they share everyday school words with real questions. */
  outOfScopeWeight: number;
  /** Weight of a word's sound relative to whole lexemes. */
  soundWeight: number;
  /** Weight of a word as written (unstemmed, small words included) relative to whole lexemes. */
  wordWeight: number;
  /** Weight of a pair of neighbouring written words. */
  wordPairWeight: number;
  /** Share of naive Bayes in the mixture (0: logistic regression alone). */
  bayesWeight: number;
  /** Naive Bayes smoothing (added to every feature count). */
  bayesSmoothing: number;
  /** Naive Bayes is overconfident: its log-probabilities are divided by this before they become probabilities. */
  bayesTemperature: number;
  /**
   * Copies of each example trained on with words left out at random (this
   * share of them): the model learns to decide from any of a phrase's words,
   * not only its most telling one, which is what a message in other words needs.
   */
  dropoutCopies: number;
  dropoutRate: number;
  /**
   * Features found in fewer training phrases (dropout copies included) get no
   * weight: they only let the model learn one phrase by heart, and leaving
   * them out keeps the boot short.
   */
  minFeatureCount: number;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = { l2: 1e-4, epochs: 5, learningRate: 0.6, trigramWeight: 0.6, keywordWeight: 1, outOfScopeWeight: 3, soundWeight: 0.5, wordWeight: 0.7, wordPairWeight: 0.6, bayesWeight: 0.4, bayesSmoothing: 0.1, bayesTemperature: 4, dropoutCopies: 2, dropoutRate: 0.3, minFeatureCount: 2 };

/**
 * Below this, a class's share of a gradient step changes nothing worth the
 * time: training skips it (3e-3 gives the cross-validation of 1e-4 in three
 * quarters of the time).
 */
const NEGLIGIBLE_GRADIENT = 3e-3;

/** A weighted feature vector: feature rows and their values, unit length. */
interface Vector {
  rows: Int32Array;
  values: Float64Array;
  /** The raw counts of the same features, for naive Bayes. */
  counts: Float64Array;
}

/** Lexemes come back again and again: their trigrams are kept, up to a bound (then forgotten all at once). */
const TRIGRAM_CACHE_SIZE = 50_000;

/** The letter trigrams of a lexeme as features, its ends marked: « code » → #^co, #cod, #ode, #de$. */
const trigramsOf = memoized((lexeme: string): readonly string[] => {
  const padded = `^${lexeme}$`;
  const out: string[] = [];
  for (let j = 0; j + 3 <= padded.length; j++) out.push(`#${padded.slice(j, j + 3)}`);
  return out;
}, TRIGRAM_CACHE_SIZE);

export function featuresOf(
  { lexemes, sounds, words }: Reading,
  trigramWeight = DEFAULT_MODEL_OPTIONS.trigramWeight,
  soundWeight = DEFAULT_MODEL_OPTIONS.soundWeight,
  wordWeight = DEFAULT_MODEL_OPTIONS.wordWeight,
  wordPairWeight = DEFAULT_MODEL_OPTIONS.wordPairWeight,
): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string, w = 1) => counts.set(f, (counts.get(f) ?? 0) + w);
  lexemes.forEach((lexeme, i) => {
    add(lexeme);
    if (i > 0) add(`${lexemes[i - 1]}_${lexeme}`);
    if (trigramWeight > 0 && lexeme.length >= 4) for (const trigram of trigramsOf(lexeme)) add(trigram, trigramWeight);
  });
  if (soundWeight > 0) for (const sound of sounds) add(`~${sound}`, soundWeight);
  words.forEach((word, i) => {
    if (wordWeight > 0) add(`&${word}`, wordWeight);
    if (wordPairWeight > 0 && i > 0) add(`&${words[i - 1]}_${word}`, wordPairWeight);
  });
  return counts;
}

/** The phrases, and for each example `dropoutCopies` copies missing a random share of its words (none left empty). */
function withDropout(phrases: readonly LabelledPhrase[], { dropoutCopies, dropoutRate }: ModelOptions): readonly LabelledPhrase[] {
  if (dropoutCopies <= 0 || dropoutRate <= 0) return phrases;
  const random = seededRandom(7);
  const out = [...phrases];
  const keep = <T>(items: readonly T[]) => items.filter(() => random() > dropoutRate);
  for (const phrase of phrases) {
    if (phrase.kind !== 'example') continue;
    for (let copy = 0; copy < dropoutCopies; copy++) {
      const lexemes = keep(phrase.lexemes);
      if (lexemes.length) out.push({ ...phrase, lexemes, sounds: keep(phrase.sounds), words: keep(phrase.words) });
    }
  }
  return out;
}

/** In place: logits → probabilities (divided by `temperature` first). */
function softmax(logits: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += logits[c] = Math.exp((logits[c] - max) / temperature);
  for (let c = 0; c < logits.length; c++) logits[c] /= sum;
  return logits;
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
  /** feature → its row in the weights; only features seen in training have one. */
  private readonly rows = new Map<string, number>();
  private readonly idf: Float64Array;
  /** One weight per feature and label, row after row (flat arrays keep training and scoring fast). */
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;
  /** Naive Bayes: log P(feature | label), feature after feature like the weights, and log P(label). */
  private readonly logLikelihood: Float64Array;
  private readonly logPrior: Float64Array;

  constructor(
    given: readonly LabelledPhrase[],
    private readonly options: ModelOptions = DEFAULT_MODEL_OPTIONS,
  ) {
    const phrases = withDropout(given, options);
    this.labels = [...new Set(phrases.map((p) => p.label))].sort();
    this.bias = new Float64Array(this.labels.length);
    // Each feature gets an id at first sight, each phrase its features as ids: string keys are looked up once.
    const ids = new Map<string, number>();
    const encoded = phrases.map((p) => {
      const features = featuresOf(p, options.trigramWeight, options.soundWeight, options.wordWeight, options.wordPairWeight);
      const featureIds = new Int32Array(features.size);
      const counts = new Float64Array(features.size);
      let k = 0;
      for (const [f, count] of features) {
        let id = ids.get(f);
        if (id === undefined) ids.set(f, (id = ids.size));
        featureIds[k] = id;
        counts[k++] = count;
      }
      return { featureIds, counts };
    });
    const documentFrequency = new Int32Array(ids.size);
    for (const { featureIds } of encoded) for (const id of featureIds) documentFrequency[id]++;
    const rowOfId = new Int32Array(ids.size).fill(-1);
    const idf: number[] = [];
    for (const [f, id] of ids) {
      if (documentFrequency[id] < options.minFeatureCount) continue;
      rowOfId[id] = this.rows.size;
      this.rows.set(f, this.rows.size);
      idf.push(Math.log(1 + phrases.length / documentFrequency[id]));
    }
    this.idf = Float64Array.from(idf);
    const phraseRows = encoded.map(({ featureIds }) => featureIds.map((id) => rowOfId[id]));
    this.weights = new Float64Array(this.rows.size * this.labels.length);
    [this.logLikelihood, this.logPrior] = this.countForBayes(phrases, phraseRows, encoded.map((e) => e.counts));
    const samples = phrases.map((p, i) => ({
      x: this.vector(phraseRows[i], encoded[i].counts),
      y: this.labels.indexOf(p.label),
      weight: (p.kind === 'example' ? 1 : options.keywordWeight) * (p.label === OTHER_INTENT ? options.outOfScopeWeight : 1),
    }));
    this.train(samples);
  }

  /** Every label with its probability, best first. */
  rank(reading: Reading): LabelScore[] {
    const features = featuresOf(reading, this.options.trigramWeight, this.options.soundWeight, this.options.wordWeight, this.options.wordPairWeight);
    const x = this.weigh(features);
    const probabilities = this.predict(x);
    const w = this.options.bayesWeight;
    if (w > 0) {
      const bayes = this.bayes(x);
      for (let c = 0; c < probabilities.length; c++) probabilities[c] = (1 - w) * probabilities[c] + w * bayes[c];
    }
    return this.labels
      .map((label, i) => ({ label, score: probabilities[i] }))
      .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  }

  /** Softmax regression by stochastic gradient descent with a decaying step and L2 shrinkage. */
  private train(samples: { x: Vector; y: number; weight: number }[]): void {
    const random = seededRandom(42);
    const order = samples.map((_, i) => i);
    const classes = this.labels.length;
    const { weights, bias } = this;
    const { l2 } = this.options;
    const gradients = new Float64Array(classes);
    const updated = new Int32Array(classes);
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const rate = this.options.learningRate / (1 + epoch * 0.1);
      for (const index of order) {
        const { x, y, weight } = samples[index];
        const p = this.predict(x);
        let n = 0;
        for (let c = 0; c < classes; c++) {
          const gradient = (p[c] - (c === y ? 1 : 0)) * weight;
          // Most labels get a probability near 0 after a few epochs: skipping them is what keeps training short.
          if (Math.abs(gradient) < NEGLIGIBLE_GRADIENT) continue;
          bias[c] -= rate * gradient * 0.1;
          gradients[n] = gradient;
          updated[n++] = c;
        }
        // Feature by feature, so each step walks one row of the weights (its labels side by side in memory).
        for (let k = 0; k < x.rows.length; k++) {
          const base = x.rows[k] * classes;
          const value = x.values[k];
          for (let j = 0; j < n; j++) {
            const at = base + updated[j];
            weights[at] -= rate * (gradients[j] * value + l2 * weights[at]);
          }
        }
      }
    }
  }

  /** `rows[i]`: phrase i's feature rows (-1 for a feature without one), `counts[i]` their counts. */
  private countForBayes(phrases: readonly LabelledPhrase[], rows: Int32Array[], counts: Float64Array[]): [Float64Array, Float64Array] {
    const classes = this.labels.length;
    const sums = new Float64Array(this.rows.size * classes);
    const totals = new Float64Array(classes);
    const logPrior = new Float64Array(classes);
    phrases.forEach((p, i) => {
      const c = this.labels.indexOf(p.label);
      logPrior[c]++;
      for (let k = 0; k < rows[i].length; k++) {
        const row = rows[i][k];
        if (row < 0) continue;
        sums[row * classes + c] += counts[i][k];
        totals[c] += counts[i][k];
      }
    });
    const alpha = this.options.bayesSmoothing;
    for (let c = 0; c < classes; c++) {
      logPrior[c] = Math.log(logPrior[c] / phrases.length);
      const denominator = Math.log(totals[c] + alpha * this.rows.size);
      for (let row = 0; row < this.rows.size; row++) sums[row * classes + c] = Math.log(sums[row * classes + c] + alpha) - denominator;
    }
    return [sums, logPrior];
  }

  /** Naive Bayes on the raw feature counts (`x.counts`, beside the regression's TF-IDF values). */
  private bayes(x: Vector): Float64Array {
    return softmax(this.linear(this.logPrior, this.logLikelihood, x.rows, x.counts), this.options.bayesTemperature);
  }

  private predict(x: Vector): Float64Array {
    return softmax(this.linear(this.bias, this.weights, x.rows, x.values), 1);
  }

  /** `start` plus, for each label, the sum of its matrix entries in the given rows times their values. */
  private linear(start: Float64Array, matrix: Float64Array, rows: Int32Array, values: Float64Array): Float64Array {
    const classes = start.length;
    const out = start.slice();
    for (let k = 0; k < rows.length; k++) {
      const base = rows[k] * classes;
      const v = values[k];
      for (let c = 0; c < classes; c++) out[c] += matrix[base + c] * v;
    }
    return out;
  }

  private weigh(features: Map<string, number>): Vector {
    const rows = new Int32Array(features.size);
    const counts = new Float64Array(features.size);
    let k = 0;
    for (const [f, count] of features) {
      rows[k] = this.rows.get(f) ?? -1;
      counts[k++] = count;
    }
    return this.vector(rows, counts);
  }

  /** TF-IDF with sublinear term frequency, unit length. Features never seen in training (row -1) carry no weight. */
  private vector(featureRows: Int32Array, featureCounts: Float64Array): Vector {
    const rows = new Int32Array(featureRows.length);
    const values = new Float64Array(featureRows.length);
    const counts = new Float64Array(featureRows.length);
    let n = 0;
    let norm = 0;
    for (let k = 0; k < featureRows.length; k++) {
      const row = featureRows[k];
      if (row < 0) continue;
      const tf = featureCounts[k];
      const value = (tf >= 1 ? 1 + Math.log(tf) : tf) * this.idf[row];
      rows[n] = row;
      values[n] = value;
      counts[n++] = tf;
      norm += value * value;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < n; k++) values[k] /= norm;
    return { rows: rows.subarray(0, n), values: values.subarray(0, n), counts: counts.subarray(0, n) };
  }
}
