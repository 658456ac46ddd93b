import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SchoolEntity } from './directory.entities';

const SCHOOL_CACHE_MS = 60_000;
const SCHOOL_CACHE_SIZE = 10_000;

/** What a person may see beyond their own tickets, from their roles in the directory. */
export interface ActorScope {
  entUserId: string;
  displayName: string | null;
  /** ENT structure ids of the schools whose tickets this person sees. */
  schoolStructureIds: string[];
  /** Editor support sees the tickets forwarded to the editor. */
  seesEditorQueue: boolean;
}

@Injectable()
export class DirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * ENT rule: a local admin sees every ticket of the schools they administer.
   * Directors are treated alike, an ERUN sees their circonscription's schools,
   * academic support their académie's.
   */
  async scopeOf(entUserId: string): Promise<ActorScope> {
    const rows: { display_name: string; structure_id: string | null; editor: boolean }[] = await this.db.query(
      `SELECT p.display_name, s.structure_id, (r.role = 'editor_support') AS editor
         FROM people p
         LEFT JOIN person_roles r ON r.person_id = p.id
         LEFT JOIN circonscriptions c ON c.id = r.circonscription_id OR c.academy_id = r.academy_id
         LEFT JOIN schools s ON s.id = r.school_id OR s.circonscription_id = c.id
        WHERE p.ent_user_id = $1`,
      [entUserId],
    );
    const structures = new Set(rows.map((r) => r.structure_id).filter((s): s is string => s !== null));
    return {
      entUserId,
      displayName: rows[0]?.display_name ?? null,
      schoolStructureIds: [...structures],
      seesEditorQueue: rows.some((r) => r.editor),
    };
  }

  /** Schools change at directory imports, not per request: every ticket creation reads one, so keep it a while. */
  private readonly schools = new Map<string, { school: SchoolEntity | null; until: number }>();

  findSchoolByStructureId(structureId: string): Promise<SchoolEntity | null> {
    return this.cachedSchool(`structure:${structureId}`, () => this.db.getRepository(SchoolEntity).findOneBy({ structureId }));
  }

  findSchoolByUai(uai: string): Promise<SchoolEntity | null> {
    return this.cachedSchool(`uai:${uai}`, () => this.db.getRepository(SchoolEntity).findOneBy({ uai }));
  }

  private async cachedSchool(key: string, load: () => Promise<SchoolEntity | null>): Promise<SchoolEntity | null> {
    const hit = this.schools.get(key);
    if (hit && hit.until > this.clock.now().getTime()) return hit.school;
    const school = await load();
    if (this.schools.size >= SCHOOL_CACHE_SIZE) this.schools.clear();
    this.schools.set(key, { school, until: this.clock.now().getTime() + SCHOOL_CACHE_MS });
    return school;
  }
}
