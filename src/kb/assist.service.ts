import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { routeFor } from '../routing/route-table';
import { Profile } from '../directory/profiles';
import { accountProfileFor, AccountRoute, accountRouteFor } from './account-route';
import { RenderedAnswer } from './article';
import { AssistInput, StatsQuery } from './dto/assist.schemas';
import { OTHER_INTENT, Tier } from '../routing/intents';
import { SchoolLevel } from '../directory/directory.entities';
import { KnowledgeBase } from './knowledge-base';
import { Classification, IntentClassifier } from './understanding/intent-classifier';

/** Below this confidence an answer is still given, but a ticket is offered alongside it. */
export const OFFER_TICKET_BELOW = 0.5;

export interface AssistResult extends Classification {
  answerId: string;
  /**
   * The routing table applied to the profile the caller stated (the table's
   * last row when unknown): the same as the classify command's `route`.
   */
  route: Tier;
  /**
   * Whose account the request is about and where a ticket about it should go:
   * a teacher asking for a pupil's password → the pupil's route (the school's
   * ENT administrator). Equal to `route` when it is the writer's own account.
   */
  account: AccountRoute;
  /** The school level the answer was written for (from the school in the directory, else the request). */
  level: SchoolLevel | null;
  /** The caller did not state a profile: a conversation should ask for it (the text may suggest one). */
  askProfile: boolean;
  answer: RenderedAnswer | null;
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
    const statedProfile: Profile | null = input.profile ?? null;
    const classification = await this.classifier.classify(input.text, statedProfile);
    const { intent, accountHolder } = classification;
    const route = routeFor(intent, statedProfile);
    const account = accountRouteFor(intent, statedProfile, accountHolder);
    // The answer can use a guessed profile: a wrong guess costs little, and a conversation confirms it (askProfile).
    const reader = statedProfile ?? classification.detectedProfile;
    const readerAccount = accountProfileFor(intent, reader, accountHolder);
    const school = input.schoolId ? await this.findSchool(input.schoolId) : null;
    const level = school?.level ?? input.level ?? null;
    const answer = this.kb.answer(intent, {
      profile: reader,
      account: readerAccount === reader ? null : readerAccount,
      level,
      schoolName: school?.name ?? '',
    });
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
      account,
      level,
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
