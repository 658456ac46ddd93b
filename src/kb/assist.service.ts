import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { routeFor } from '../routing/route-table';
import { Profile } from '../directory/profiles';
import { renderAnswer } from './article';
import { AssistInput, StatsQuery } from './dto/assist.schemas';
import { OTHER_INTENT, Tier } from '../routing/intents';
import { KnowledgeBase } from './knowledge-base';
import { Classification, IntentClassifier } from './understanding/intent-classifier';

/** Below this confidence an answer is still given, but a ticket is offered alongside it. */
export const OFFER_TICKET_BELOW = 0.5;

export interface AssistResult extends Classification {
  answerId: string;
  /** Where a ticket would go, from the profile the caller stated (the table's last row when unknown). */
  route: Tier;
  /** The caller did not state a profile: a conversation should ask for it (the text may suggest one). */
  askProfile: boolean;
  answer: { title: string; markdown: string; text: string } | null;
  suggestTicket: boolean;
}

export interface IntentStats {
  intent: string;
  answers: number;
  helpful: number;
  notHelpful: number;
  /** Share of rated answers that solved the problem without a person. */
  deflectionRate: number | null;
}

@Injectable()
export class AssistService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly kb: KnowledgeBase,
    private readonly classifier: IntentClassifier,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
  ) {}

  async assist(input: AssistInput): Promise<AssistResult> {
    const classification = await this.classifier.classify(input.text);
    const statedProfile: Profile | null = input.profile ?? null;
    const route = routeFor(classification.intent, statedProfile);
    // The answer can use a guessed profile: a wrong guess costs little, the person sees every case named.
    const answerProfile = statedProfile ?? classification.detectedProfile;
    const article = this.kb.article(classification.intent);
    const school = input.schoolId ? await this.findSchool(input.schoolId) : null;
    const answer = article ? { title: article.title, ...renderAnswer(article, answerProfile, school?.name ?? '') } : null;
    const answerId = randomUUID();
    await this.db.query(
      `INSERT INTO kb_answers (id, intent, category, confidence, profile, detected_profile, route, school_structure_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [answerId, classification.intent, classification.category, classification.confidence, statedProfile,
        classification.detectedProfile, route, school?.structureId ?? null, this.clock.now()],
    );
    return {
      answerId,
      ...classification,
      route,
      askProfile: statedProfile === null,
      answer,
      suggestTicket: classification.intent === OTHER_INTENT || classification.confidence < OFFER_TICKET_BELOW,
    };
  }

  /** Records whether an answer helped; a second call changes the first. Returns true when it was the first. */
  async feedback(answerId: string, helpful: boolean): Promise<boolean> {
    const rows: { inserted: boolean }[] = await this.db.query(
      `INSERT INTO kb_feedback (answer_id, helpful, created_at)
       SELECT id, $2, $3 FROM kb_answers WHERE id = $1
       ON CONFLICT (answer_id) DO UPDATE SET helpful = EXCLUDED.helpful, created_at = EXCLUDED.created_at
       RETURNING (xmax = 0) AS inserted`,
      [answerId, helpful, this.clock.now()],
    );
    if (rows.length === 0) throw new DomainError('ANSWER_NOT_FOUND', `No answer ${answerId}.`);
    return rows[0].inserted;
  }

  async stats(query: StatsQuery): Promise<IntentStats[]> {
    const rows: { intent: string; answers: number; helpful: number; not_helpful: number }[] = await this.db.query(
      `SELECT a.intent, count(*)::int AS answers,
              count(*) FILTER (WHERE f.helpful)::int AS helpful,
              count(*) FILTER (WHERE NOT f.helpful)::int AS not_helpful
         FROM kb_answers a LEFT JOIN kb_feedback f ON f.answer_id = a.id
        WHERE $1::timestamptz IS NULL OR a.created_at >= $1::timestamptz
        GROUP BY a.intent ORDER BY a.intent`,
      [query.since ?? null],
    );
    return rows.map((r) => ({
      intent: r.intent,
      answers: r.answers,
      helpful: r.helpful,
      notHelpful: r.not_helpful,
      deflectionRate: r.helpful + r.not_helpful ? Math.round((1000 * r.helpful) / (r.helpful + r.not_helpful)) / 1000 : null,
    }));
  }

  private async findSchool(schoolId: string) {
    return (await this.directory.findSchoolByStructureId(schoolId)) ?? (await this.directory.findSchoolByUai(schoolId));
  }
}
