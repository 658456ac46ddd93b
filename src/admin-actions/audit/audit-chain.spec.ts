import { auditHash, canonicalJson, ChainVerifier } from './audit-chain';
import { AuditEntryEntity } from './audit-entry.entity';

const GENESIS = '0'.repeat(64);

function chain(n: number): AuditEntryEntity[] {
  const rows: AuditEntryEntity[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      seq,
      at: new Date(Date.UTC(2026, 2, 2, 8, seq)),
      actorKey: 'slack:T1:U1',
      actorEntUserId: 'demo-director-jm',
      actorName: 'Claire Dubois',
      channel: 'slack',
      action: 'renewal_code',
      targetEntUserId: `user-${seq}`,
      targetLogin: `login.${seq}`,
      targetName: null,
      outcome: 'done' as const,
      reason: null,
      details: { b: seq, a: 'x' },
    };
    const hash = auditHash(prev, fields);
    rows.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

function check(rows: AuditEntryEntity[], head = { seq: rows.length, hash: rows[rows.length - 1]?.hash ?? GENESIS }) {
  const verifier = new ChainVerifier(GENESIS);
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.finish(head);
}

describe('audit chain', () => {
  it('hashes details whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    const [row] = chain(1);
    expect(auditHash(GENESIS, { ...row, details: { a: 'x', b: 1 } })).toBe(row.hash);
  });

  it('accepts an intact chain and an empty one', () => {
    expect(check(chain(5))).toMatchObject({ ok: true, rows: 5 });
    expect(check([], { seq: 0, hash: GENESIS })).toMatchObject({ ok: true, rows: 0 });
  });

  it('finds an edited row, even with its own hash recomputed', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], targetLogin: 'someone.else' };
    expect(check(rows)).toMatchObject({ ok: false, seq: 3, problem: 'hash_mismatch' });
    rows[2] = { ...rows[2], hash: auditHash(rows[2].prevHash, rows[2]) };
    expect(check(rows)).toMatchObject({ ok: false, seq: 4, problem: 'previous_hash_mismatch' });
  });

  it('finds a removed row, a renumbered chain, and a removed last row', () => {
    const rows = chain(5);
    expect(check([...rows.slice(0, 2), ...rows.slice(3)])).toMatchObject({ ok: false, seq: 3, problem: 'sequence_gap' });
    const renumbered = [...rows.slice(0, 2), ...rows.slice(3).map((r) => ({ ...r, seq: r.seq - 1 }))];
    expect(check(renumbered, { seq: 4, hash: rows[4].hash })).toMatchObject({ ok: false, seq: 3, problem: 'previous_hash_mismatch' });
    expect(check(rows.slice(0, 4), { seq: 5, hash: rows[4].hash })).toMatchObject({ ok: false, seq: 5, problem: 'head_mismatch' });
    expect(check(rows.slice(0, 4), { seq: 4, hash: rows[4].hash })).toMatchObject({ ok: false, problem: 'head_mismatch' });
  });
});
