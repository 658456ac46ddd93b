import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { TtlCache } from '../common/ttl-cache';
import { ApiKeyEntity } from './api-key.entity';
import { ActAsWithin, Scope } from './scopes';

export interface AuthenticatedKey {
  id: string;
  name: string;
  scopes: Scope[];
  /** A personal key's person: the key acts for them without a header. */
  person: string | null;
  actAsWithin: ActAsWithin | null;
}

export interface KeyIdentity {
  person?: string;
  actAsWithin?: ActAsWithin;
}

const KEY_PATTERN = /^rk_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * API keys look like `rk_<prefix>_<secret>`. Only the prefix and a SHA-256 of
 * the secret are stored: the key is shown once, when created.
 */
@Injectable()
export class ApiKeyService {
  private readonly cache: TtlCache<AuthenticatedKey | null>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(config.apiKeys.cacheSeconds * 1000, 10_000);
  }

  async create(name: string, scopes: Scope[], identity: KeyIdentity = {}): Promise<{ id: string; key: string }> {
    if (identity.person && scopes.includes('act_as')) throw new Error('a personal key acts for its person only: it cannot have act_as');
    if (identity.actAsWithin && !scopes.includes('act_as')) throw new Error('a limit for act_as needs the act_as scope');
    const prefix = randomBytes(8).toString('hex').slice(0, 10);
    const secret = randomBytes(32).toString('base64url');
    const entity: ApiKeyEntity = {
      id: randomUUID(),
      name,
      prefix,
      secretHash: sha256(secret).toString('hex'),
      scopes,
      personEntId: identity.person ?? null,
      actAsWithinKind: identity.actAsWithin?.kind ?? null,
      actAsWithinId: identity.actAsWithin?.id ?? null,
      createdAt: this.clock.now(),
      revokedAt: null,
    };
    await this.db.getRepository(ApiKeyEntity).insert(entity);
    return { id: entity.id, key: `rk_${prefix}_${secret}` };
  }

  /** Revokes by id or prefix; returns whether a live key was revoked. */
  async revoke(idOrPrefix: string): Promise<boolean> {
    const column = /^[0-9a-f-]{36}$/.test(idOrPrefix) ? 'id' : 'prefix';
    const result = await this.db
      .getRepository(ApiKeyEntity)
      .update({ [column]: idOrPrefix, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    this.cache.clear();
    return (result.affected ?? 0) > 0;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.db.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
  }

  /** Checks a presented key. A short cache keeps the hot path off the database; revocation applies within its TTL. */
  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const [, prefix, secret] = match;
    return this.cache.get(sha256(presented).toString('hex'), async () => {
      const entity = await this.db.getRepository(ApiKeyEntity).findOneBy({ prefix, revokedAt: IsNull() });
      const ok = entity !== null && timingSafeEqual(Buffer.from(entity.secretHash, 'hex'), sha256(secret));
      if (!ok) return null;
      return {
        id: entity.id,
        name: entity.name,
        scopes: entity.scopes as Scope[],
        person: entity.personEntId,
        actAsWithin: entity.actAsWithinKind && entity.actAsWithinId ? { kind: entity.actAsWithinKind, id: entity.actAsWithinId } : null,
      };
    });
  }
}
