import { createHash } from 'node:crypto';
import { AuditEntryEntity } from './audit-entry.entity';

export type AuditFields = Omit<AuditEntryEntity, 'prevHash' | 'hash'>;

/** JSON with sorted keys: the database's jsonb reorders keys, the hash must not care. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Each row's hash covers its own fields and the previous row's hash, so editing or removing a row breaks every hash after it. */
export function auditHash(prevHash: string, row: AuditFields): string {
  const fields = [
    row.seq,
    row.at.toISOString(),
    row.actorKey,
    row.actorEntUserId,
    row.actorName,
    row.channel,
    row.action,
    row.targetEntUserId,
    row.targetLogin,
    row.targetName,
    row.outcome,
    row.reason,
    row.details,
  ];
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(fields)}`).digest('hex');
}

export type ChainProblem = 'sequence_gap' | 'previous_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export type ChainCheck = { ok: true; rows: number; headHash: string } | { ok: false; rows: number; seq: number; problem: ChainProblem };

/**
 * Walks rows in order from seq 1: numbers without gaps, each linked to the
 * previous hash, each hash recomputed; the head must name the last row.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash: string;
  private count = 0;
  private broken: { seq: number; problem: ChainProblem } | null = null;

  constructor(genesis: string) {
    this.prevHash = genesis;
  }

  /** Feeds the next row; false once the chain is broken (the first break is kept). */
  push(row: AuditEntryEntity): boolean {
    if (this.broken) return false;
    this.count++;
    if (row.seq !== this.expectedSeq) this.broken = { seq: this.expectedSeq, problem: 'sequence_gap' };
    else if (row.prevHash !== this.prevHash) this.broken = { seq: row.seq, problem: 'previous_hash_mismatch' };
    else if (auditHash(row.prevHash, row) !== row.hash) this.broken = { seq: row.seq, problem: 'hash_mismatch' };
    if (this.broken) return false;
    this.prevHash = row.hash;
    this.expectedSeq++;
    return true;
  }

  finish(head: { seq: number; hash: string }): ChainCheck {
    if (this.broken) return { ok: false, rows: this.count, ...this.broken };
    if (head.seq !== this.expectedSeq - 1 || head.hash !== this.prevHash) {
      return { ok: false, rows: this.count, seq: Math.min(head.seq, this.expectedSeq), problem: 'head_mismatch' };
    }
    return { ok: true, rows: this.count, headHash: this.prevHash };
  }
}
