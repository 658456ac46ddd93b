import { Injectable, OnModuleInit } from '@nestjs/common';
import { JsonLogger } from '../../common/logging/json-logger';
import { Profile } from '../../directory/profiles';
import { categoryOf, OTHER_INTENT } from '../../routing/intents';
import { KnowledgeBase } from '../knowledge-base';
import { decide } from './decision';
import { IntentModel } from './intent-model';
import { normalizeText, withoutCourtesy } from './normalize';
import { detectProfile } from './profile-detector';
import { TextAnalyzer } from './text-analyzer';

/** Articles less likely than this are not worth suggesting. */
const MIN_ALTERNATIVE = 0.05;

export interface IntentGuess {
  intent: string;
  category: string;
  /** 0–1: how sure the classifier is of this intent. */
  confidence: number;
}

export interface Classification extends IntentGuess {
  /** The next best intents, best first. */
  alternatives: IntentGuess[];
  /** Who the text says is writing, when it says so. */
  detectedProfile: Profile | null;
}

@Injectable()
export class IntentClassifier implements OnModuleInit {
  private model: IntentModel | null = null;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly analyzer: TextAnalyzer,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const phrases = this.kb.phrases();
    const lexemes = await this.analyzer.analyseMany(phrases.map((p) => withoutCourtesy(normalizeText(p.text))));
    this.model = new IntentModel(phrases.map((p, i) => ({ label: p.label, kind: p.kind, lexemes: lexemes[i] })));
    await this.analyzer.replaceVocabulary([...new Set(lexemes.flat())]);
    this.logger.event('info', 'kb.ready', { articles: this.kb.articles.size, phrases: phrases.length }, 'IntentClassifier');
  }

  async classify(text: string): Promise<Classification> {
    if (!this.model) throw new Error('IntentClassifier used before the module was initialised');
    const normalized = normalizeText(text);
    const lexemes = await this.analyzer.analyseMessage(withoutCourtesy(normalized));
    const ranked = this.model.rank(lexemes);
    const detectedProfile = detectProfile(normalized);
    const decision = decide(ranked);
    const guess = (label: string, score: number): IntentGuess => ({ intent: label, category: categoryOf(label), confidence: round(score) });
    const articles = ranked.filter((r) => r.label !== OTHER_INTENT && r.score >= MIN_ALTERNATIVE);
    const alternatives = articles.filter((r) => r.label !== decision.label).slice(0, 3).map((r) => guess(r.label, r.score));
    return { ...guess(decision.label, decision.label === OTHER_INTENT ? 1 - (decision.bestArticle?.score ?? 0) : decision.score), alternatives, detectedProfile };
  }
}

function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) / 100;
}
