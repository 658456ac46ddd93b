import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TtlCache } from '../common/ttl-cache';
import { Clock } from '../common/clock';
import { CirconscriptionEntity, SchoolEntity } from './directory.entities';

const SCHOOL_CACHE_MS = 60_000;
const SCHOOL_CACHE_SIZE = 10_000;

/** What a person may see beyond their own tickets, from their roles in the directory. */
export interface ActorScope {
  entUserId: string;
  displayName: string | null;
  /** ENT structure ids of the schools whose tickets this person sees. */
  schoolStructureIds: string[];
  /** Schools this person runs as director or ENT admin: they may forward its tickets to the editor's support. */
  administeredStructureIds: string[];
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
  scopeOf(entUserId: string): Promise<ActorScope> {
    // Roles change at directory imports, not per request; every request acting for someone reads one.
    return this.cached(`scope:${entUserId}`, () => this.loadScope(entUserId));
  }

  private async loadScope(entUserId: string): Promise<ActorScope> {
    const rows: { display_name: string; structure_id: string | null; editor: boolean; admin: boolean }[] = await this.db.query(
      `SELECT p.display_name, s.structure_id, (r.role = 'editor_support') AS editor,
              (r.role IN ('school_admin', 'director') AND r.school_id = s.id) AS admin
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
      administeredStructureIds: [...new Set(rows.filter((r) => r.admin && r.structure_id).map((r) => r.structure_id!))],
      seesEditorQueue: rows.some((r) => r.editor),
    };
  }

  /** Schools and roles change at directory imports, not per request: keep them a while. */
  private readonly cache = new TtlCache<unknown>(SCHOOL_CACHE_MS, SCHOOL_CACHE_SIZE, () => this.clock.now().getTime());

  findSchoolByStructureId(structureId: string): Promise<SchoolEntity | null> {
    return this.cached(`structure:${structureId}`, () => this.db.getRepository(SchoolEntity).findOneBy({ structureId }));
  }

  findSchoolByUai(uai: string): Promise<SchoolEntity | null> {
    return this.cached(`uai:${uai}`, () => this.db.getRepository(SchoolEntity).findOneBy({ uai }));
  }

  findCirconscription(id: string): Promise<CirconscriptionEntity | null> {
    return this.cached(`circonscription:${id}`, () => this.db.getRepository(CirconscriptionEntity).findOneBy({ id }));
  }

  /** The structure ids of the schools of a school (itself), a circonscription or an académie (by code). */
  schoolsWithin(kind: 'school' | 'circonscription' | 'academy', id: string): Promise<string[]> {
    return this.cached(`within:${kind}:${id}`, async () => {
      if (kind === 'school') return [id];
      const rows: { structure_id: string }[] = await this.db.query(
        kind === 'circonscription'
          ? `SELECT s.structure_id FROM schools s JOIN circonscriptions c ON c.id = s.circonscription_id WHERE c.code = $1`
          : `SELECT s.structure_id FROM schools s JOIN circonscriptions c ON c.id = s.circonscription_id JOIN academies a ON a.id = c.academy_id WHERE a.code = $1`,
        [id],
      );
      return rows.map((r) => r.structure_id);
    });
  }

  /** Schools a person may mean: by UAI, or whose name holds every word of three letters or more written (accents and case ignored), at most 5. */
  async searchSchools(text: string): Promise<SchoolEntity[]> {
    const uai = text.trim().toUpperCase();
    if (/^\d{7}[A-Z]$/.test(uai)) {
      const school = await this.findSchoolByUai(uai);
      return school ? [school] : [];
    }
    const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2).slice(0, 6);
    if (!words.length) return [];
    const qb = this.db.getRepository(SchoolEntity).createQueryBuilder('s');
    words.forEach((word, i) => qb.andWhere(`relais_unaccent(lower(s.name)) LIKE relais_unaccent(:w${i})`, { [`w${i}`]: `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%` }));
    return qb.orderBy('s.name').take(5).getMany();
  }

  /** Forgets cached look-ups after a directory import. */
  forget(): void {
    this.cache.clear();
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load) as Promise<T>;
  }
}
