import { OTHER_INTENT } from '../../routing/intents';
import { LabelScore } from './intent-model';

/** When the classifier says "other" (no self-service answer) rather than its best article. Tuned with `npm run kb:tune`. */
export interface DecisionPolicy {
  /** The best article must score at least this. */
  abstainBelow: number;
  /** "Other" wins when its own examples score this much above the best article. */
  otherMargin: number;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = { abstainBelow: 0.2, otherMargin: -0.1 };

export interface Decision {
  label: string;
  /** Score of the chosen article, or of the out-of-scope examples when the answer is "other". */
  score: number;
  /** The best article, kept as a suggestion when the answer is "other". */
  bestArticle: LabelScore | null;
}

export function decide(ranked: readonly LabelScore[], policy: DecisionPolicy = DEFAULT_DECISION_POLICY): Decision {
  const bestArticle = ranked.find((r) => r.label !== OTHER_INTENT) ?? null;
  const other = ranked.find((r) => r.label === OTHER_INTENT)?.score ?? 0;
  if (!bestArticle || bestArticle.score < policy.abstainBelow || other > bestArticle.score + policy.otherMargin) {
    return { label: OTHER_INTENT, score: other, bestArticle };
  }
  return { label: bestArticle.label, score: bestArticle.score, bestArticle };
}
