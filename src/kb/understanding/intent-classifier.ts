import { Injectable, OnModuleInit } from '@nestjs/common';
import { JsonLogger } from '../../common/logging/json-logger';
import { Profile } from '../../directory/profiles';
import { categoryOf, OTHER_INTENT } from '../../routing/intents';
import { KnowledgeBase } from '../knowledge-base';
import { decide } from './decision';
import { IntentModel } from './intent-model';
import { normalizeText, withoutCourtesy } from './normalize';
import { phraseText, readingOf } from './reading';
import { detectAccountHolder } from './account-detector';
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
  /**
   * The profile of the account the text is about when it is someone else's
   * (« un élève a oublié son mot de passe »), read against the stated profile
   * or, without one, the detected one. `accountRouteFor` turns it into a route.
   */
  accountHolder: Profile | null;
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
    const texts = phrases.map((p) => phraseText(p.text));
    const lexemes = await this.analyzer.analyseMany(texts);
    this.model = new IntentModel(phrases.map((p, i) => ({ label: p.label, kind: p.kind, ...readingOf(texts[i], lexemes[i]) })));
    await this.analyzer.replaceVocabulary([...new Set(lexemes.flat())]);
    this.logger.event('info', 'kb.ready', { articles: this.kb.articles.size, phrases: phrases.length }, 'IntentClassifier');
  }

  /** `writer`: the stated profile, when known; it tells whose account « mon compte » is. */
  async classify(text: string, writer: Profile | null = null): Promise<Classification> {
    if (!this.model) throw new Error('IntentClassifier used before the module was initialised');
    const normalized = normalizeText(text);
    const prepared = withoutCourtesy(normalized);
    const lexemes = await this.analyzer.analyseMessage(prepared);
    const ranked = this.model.rank(readingOf(prepared, lexemes));
    const detectedProfile = detectProfile(normalized);
    const accountHolder = detectAccountHolder(normalized, writer ?? detectedProfile);
    const decision = decide(ranked);
    const guess = (label: string, score: number): IntentGuess => ({ intent: label, category: categoryOf(label), confidence: round(score) });
    const articles = ranked.filter((r) => r.label !== OTHER_INTENT && r.score >= MIN_ALTERNATIVE);
    const alternatives = articles.filter((r) => r.label !== decision.label).slice(0, 3).map((r) => guess(r.label, r.score));
    return { ...guess(decision.label, decision.label === OTHER_INTENT ? 1 - (decision.bestArticle?.score ?? 0) : decision.score), alternatives, detectedProfile, accountHolder };
  }
}

function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 100) / 100;
}
