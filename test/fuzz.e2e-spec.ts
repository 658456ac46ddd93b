import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { SCOPE_NAMES } from '../src/auth/scopes';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { signRelaisRequest } from '../src/common/relais-signature';
import { TICKET_STATUSES } from '../src/tickets/ticket-status';
import { createTicket, JEAN_MOULIN, PEOPLE, SIMONE_VEIL, ticketBody } from './factories/ticket.factory';
import {
  anyText,
  CONTENT_TYPES,
  Dictionary,
  encode,
  ENCODINGS,
  mutatedBody,
  Operation,
  operationName,
  operationsOf,
  PATH_GARBAGE,
  percentEncode,
  serialisations,
  serialise,
  setAt,
  stringPaths,
  valueFor,
} from './support/openapi-fuzz';
import { RawHttp, RawRequest, RawResponse } from './support/raw-http';
import { DRIVERS, TEST_ENT_SECRET, TestApp, TestStore } from './support/test-app';

/**
 * Property-based fuzzing of every route of the OpenAPI document, over a real
 * listening server. FUZZ_RUNS (per route and property) and FUZZ_SEED make
 * longer or repeated runs:
 * `FUZZ_RUNS=2000 FUZZ_SEED=42 node --experimental-vm-modules node_modules/jest/bin/jest.js test/fuzz`.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ENT_INTAKE = '/api/v1/intake/ent/tickets';

/**
 * Query parameters a route reads but the document does not list yet (no
 * @ApiQuery): fuzzed all the same. `since=0000-01-01T00:00:00Z` was a 500.
 */
const UNDOCUMENTED_QUERY: Record<string, string[]> = {
  'GET /api/v1/assist/stats': ['since'],
};

/**
 * The Zendesk-compatible routes read bodies by the rules of the ENT's
 * connector (an upload is the file's raw bytes; a JSON body labelled utf-16
 * may be UTF-8): their own faults are tested in zendesk-intake.e2e-spec.ts.
 */
const ZENDESK_ROUTE = /^\/api\/v2\//;
const isZendeskUpload = (op: Operation) => ZENDESK_ROUTE.test(op.path) && /\/uploads(\.json)?$/.test(op.path);

interface FuzzRequest extends RawRequest {
  op: string;
  kinds: string[];
}

interface Finding {
  count: number;
  example: string;
}

/** Counts every answer that breaks the contract, grouped, with one example each (the run goes on). */
class Findings {
  readonly byKind = new Map<string, Finding>();
  readonly statuses = new Map<number, number>();
  requests = 0;
  serverErrors = 0;

  record(req: FuzzRequest, res: RawResponse | Error, problem: string | null): void {
    this.requests++;
    if (isResponse(res)) this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
    if (!problem) return;
    if (isResponse(res) && res.status >= 500) this.serverErrors++;
    const key = `${req.op}: ${problem} ← ${req.kinds.join(' ')}`;
    const found = this.byKind.get(key);
    if (found) found.count++;
    else this.byKind.set(key, { count: 1, example: describeExchange(req, res) });
  }

  /** One line per kind of problem, most frequent first, with an example exchange. */
  problems(): string[] {
    return [...this.byKind.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([key, f]) => `${f.count} × ${key}\n    ${f.example}`);
  }

  get total(): string {
    const statuses = [...this.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status}: ${n}`).join(', ');
    return `${this.requests} requests, ${this.serverErrors} server errors, ${this.byKind.size} kinds of problem (seed ${SEED}; ${statuses})`;
  }
}

/** Errors thrown by Node's own modules are not `instanceof Error` inside jest's sandbox. */
const isResponse = (res: RawResponse | Error): res is RawResponse => 'status' in res && 'body' in res;

function describeExchange(req: FuzzRequest, res: RawResponse | Error): string {
  const body = req.body ? JSON.stringify(req.body.subarray(0, 200).toString('latin1')) + (req.body.length > 200 ? `… (${req.body.length} bytes)` : '') : '-';
  const answer = !isResponse(res) ? res.message : `${res.status} ${res.body.subarray(0, 300).toString('utf8')}`;
  return `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 400)} body ${body} → ${answer}`;
}

/** The contract: never a 5xx, always an X-Request-Id, and a refusal has the usual error body. */
function problemWith(req: FuzzRequest, res: RawResponse): string | null {
  if (res.status >= 500) return `HTTP ${res.status}`;
  const requestId = res.headers['x-request-id'];
  if (!requestId) return 'no X-Request-Id';
  if (res.status < 400 || req.method === 'HEAD') return null;
  return errorBodyProblem(res);
}

function errorBodyProblem(res: RawResponse): string | null {
  if (!/^application\/json\b/.test(String(res.headers['content-type']))) return `error answered as ${res.headers['content-type']}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return 'error body is not JSON';
  }
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z_]+$/.test(body.code)) return 'error body without a code';
  if (typeof body.message !== 'string' || body.message === '') return 'error body without a message';
  if (body.requestId !== res.headers['x-request-id']) return 'error body without the request id';
  const errors = body.errors;
  if (errors !== undefined && !(Array.isArray(errors) && errors.every((e) => typeof e?.path === 'string' && typeof e?.message === 'string'))) {
    return 'error body with malformed errors';
  }
  return null;
}

/** A header value Node's HTTP client accepts (no control characters, nothing past U+00FF). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

describe(`fuzzing every route of the OpenAPI document (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let http: RawHttp;
  let ops: Operation[];
  let fullKey: string;
  let readKey: string;
  let references: string[];
  let answerId: string;
  let zendeskTicketId: string;
  let bomb: Buffer;
  let oversizeGzip: Buffer;

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    http = await RawHttp.listen(t.app.getHttpServer());
    fullKey = await t.apiKey(SCOPE_NAMES, 'fuzz: every scope');
    readKey = await t.apiKey(['tickets:read'], 'fuzz: read only');
    const doc = await http.send({ method: 'GET', path: '/api/docs-json', headers: {} });
    ops = operationsOf(JSON.parse(doc.body.toString('utf8'))).map((op) => ({
      ...op,
      query: [...new Set([...op.query, ...(UNDOCUMENTED_QUERY[operationName(op)] ?? [])])],
    }));
    references = [
      await createTicket(t, fullKey),
      await createTicket(t, fullKey, { school: { uai: SIMONE_VEIL.uai }, requester: PEOPLE.teacher }),
      await createTicket(t, fullKey, { priority: 'bloquant' }),
    ];
    const escalated = await t.http
      .post('/api/v2/tickets.json')
      .set('Authorization', fullKey)
      .send({ ticket: { subject: 'Blog en panne', comment: { html_body: 'Auteur : Julien Moreau<br/><br/>Le blog affiche une erreur.' }, custom_fields: [{ id: 4, value: 4242 }] } })
      .expect(201);
    zendeskTicketId = String(escalated.body.ticket.id);
    const assist = await t.http.post('/api/v1/assist').set('Authorization', fullKey).send({ text: 'mdp oublié', profile: 'Relative' }).expect(200);
    answerId = assist.body.answerId;
    bomb = encode(Buffer.alloc(0), 'gzip-bomb').body;
    oversizeGzip = gzipSync(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));
  });
  afterAll(async () => {
    http?.close();
    await t?.close();
    await store?.destroy();
  });

  /** Ids the fuzzer could not guess: demo people and schools, real tickets, a real answer. */
  const dictionary = (): Dictionary => {
    const people = Object.values(PEOPLE).map((p) => p.entUserId);
    const schools = [JEAN_MOULIN.structureId, SIMONE_VEIL.structureId, 'struct-les-tilleuls'];
    return {
      entUserId: people,
      owner: people,
      structureId: schools,
      school_id: schools,
      schoolId: [...schools, JEAN_MOULIN.uai],
      uai: [JEAN_MOULIN.uai, SIMONE_VEIL.uai, '0999002B'],
      id: ['ent-fuzz-1', 'ent-fuzz-2', 4242],
      category: ['/blog', '/workspace', null],
      // Path parameters (a property named `id` is an ENT ticket id, a path parameter `id` a notification id).
      reference: references,
      answerId: [answerId],
      // The Zendesk-compatible routes' ids: numbers, with Zendesk's optional `.json`.
      ticket_id: [zendeskTicketId, `${zendeskTicketId}.json`, '999999'],
      attachment_id: ['1', '999999'],
    };
  };

  /** Values for query parameters, by name. */
  const queryDictionary = (): Dictionary => {
    const people = Object.values(PEOPLE).map((p) => p.entUserId);
    const schools = [JEAN_MOULIN.structureId, SIMONE_VEIL.structureId, JEAN_MOULIN.uai];
    return {
      status: [...TICKET_STATUSES, 'new,opened', 'new,bogus', ',', ''],
      page: ['1', '2', '0', '-1', '1.5', '1e400', '10001', 'abc'],
      pageSize: ['1', '100', '101', '0', 'NaN'],
      school: schools,
      tier: ['school', 'circonscription', 'bogus'],
      assignee: people,
      text: ['mot de passe', 'mdp', 'é', '%', '_', '\\'],
      since: ['2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59+14:00', '2026-13-01T00:00:00Z', 'hier'],
      start_time: ['0', '1764000000', String(Math.floor(Date.now() / 1000)), '-1', '1e9', '99999999999', 'abc'],
      include: ['comment_events', ''],
      filename: ['capture.png', 'notes.txt', 'a/b.png', 'sans-extension', ''],
    };
  };

  const actorHeader = (op: Operation) => op.headers.find((h) => h.name === 'X-On-Behalf-Of');

  function pathFor(op: Operation, values: Record<string, string>): string {
    return op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
  }

  /** A path parameter: a real id most of the time, else something no route expects. */
  const pathValues = (name: string): string[] => (name === 'id' ? [randomUUID()] : ((dictionary()[name] as string[] | undefined) ?? [randomUUID()]));

  const pathParam = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...pathValues(name)).map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom(...PATH_GARBAGE) },
      { weight: 1, arbitrary: anyText.map(percentEncode) },
    );

  const queryFor = (op: Operation) => {
    const dict = queryDictionary();
    const param = (name: string) =>
      fc.option(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...((dict[name] as string[] | undefined) ?? ['x'])) }, { weight: 1, arbitrary: anyText }),
        { freq: 2 },
      ).map((v) => (v === null ? '' : `${encodeURIComponent(name)}=${percentEncode(String(v))}`));
    const garbage = fc.constantFrom('', '', '', '&%zz=%', '&status=new&status=opened', '&unknown=1', '&&=&', '&page[]=1', '&__proto__=x');
    return fc.tuple(fc.tuple(...op.query.map(param)), garbage).map(([parts, extra]) => {
      const qs = [...parts.filter(Boolean), extra.replace(/^&/, '')].filter(Boolean).join('&');
      return qs ? `?${qs}` : '';
    });
  };

  const authHeaders = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Record<string, string>>({}).map(() => ({ Authorization: fullKey })) },
    { weight: 1, arbitrary: fc.constant(0).map(() => ({ Authorization: readKey })) },
    { weight: 1, arbitrary: fc.constant(0).map(() => ({ 'X-Api-Key': fullKey.slice(7) })) },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('Bearer ', 'Bearer rk_', 'Bearer rk_0123456789_' + 'x'.repeat(43), 'Basic dXNlcjpwYXNz', 'Bearer ' + 'A'.repeat(6000)),
          fc.constant(0).map(() => fullKey + 'x'),
          fc.constant(0).map(() => fullKey.slice(7)),
          headerText.map((s) => `Bearer ${s}`),
        )
        .map((value) => ({ Authorization: value })),
    },
  );

  const optionalHeader = (name: string, valid: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      { weight: 3, arbitrary: valid.map((v) => ({ [name]: v })) },
      { weight: 1, arbitrary: headerText.map((v) => ({ [name]: v })) },
    );

  const people = fc.constantFrom(...Object.values(PEOPLE).map((p) => p.entUserId), 'demo-ssu-agent', 'demo-editor-support');

  const signatureMode = fc.constantFrom('valid', 'valid', 'valid', 'valid', 'none', 'stale', 'wrong', 'garbage-timestamp');

  function signatureHeaders(mode: string, payload: Buffer): Record<string, string> {
    const now = Math.floor(Date.now() / 1000);
    switch (mode) {
      case 'valid':
        return { 'X-Relais-Timestamp': String(now), 'X-Relais-Signature': signRelaisRequest(TEST_ENT_SECRET, now, payload) };
      case 'stale':
        return { 'X-Relais-Timestamp': String(now - 3600), 'X-Relais-Signature': signRelaisRequest(TEST_ENT_SECRET, now - 3600, payload) };
      case 'wrong':
        return { 'X-Relais-Timestamp': String(now), 'X-Relais-Signature': signRelaisRequest('another-secret-0123456789', now, payload) };
      case 'garbage-timestamp':
        return { 'X-Relais-Timestamp': '1e9', 'X-Relais-Signature': 'sha256=' };
      default:
        return {};
    }
  }

  /** Anything a client may send to `op`: shaped or mutated bodies, any serialisation, content type, coding, header, parameter. */
  function anyRequestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
    const dict = dictionary();
    const bodyValue = op.body
      ? mutatedBody(op.body, fc.oneof(valueFor(op.body, { dictionary: dict, nasty: false }), valueFor(op.body, { dictionary: dict, nasty: true })))
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant({ body: undefined as unknown, kind: 'body:none' }) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((body) => ({ body, kind: 'body:unexpected' })) },
        );
    const method = fc.oneof(
      { weight: 12, arbitrary: fc.constant(op.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
    );
    const params = fc.record(Object.fromEntries(op.pathParams.map((p) => [p, pathParam(p)])) as Record<string, fc.Arbitrary<string>>);
    const actor = actorHeader(op) ? optionalHeader('X-On-Behalf-Of', people) : fc.constant({});
    const idempotency = op.headers.some((h) => h.name === 'Idempotency-Key')
      ? optionalHeader('Idempotency-Key', fc.stringMatching(/^[\w.:-]{8,40}$/))
      : fc.constant({});
    const misc = fc.record({
      requestId: optionalHeader('X-Request-Id', fc.stringMatching(/^[\w-]{1,64}$/)),
      accept: optionalHeader('Accept', fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml')),
    });
    const contentType = fc.oneof(
      { weight: 12, arbitrary: fc.constant('default') },
      { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      { weight: 1, arbitrary: fc.constant('none') },
    );
    const encoding = fc.oneof({ weight: 12, arbitrary: fc.constant('none') }, { weight: 2, arbitrary: fc.constantFrom(...ENCODINGS) });
    return fc
      .record({
        method,
        params,
        query: queryFor(op),
        auth: op.secured ? authHeaders : fc.oneof(fc.constant({}), authHeaders),
        actor,
        idempotency,
        misc,
        bodyValue,
        serialisation: serialisations,
        contentType,
        encoding,
        signature: op.path === ENT_INTAKE ? signatureMode : fc.constant('none'),
        chunked: fc.boolean(),
      })
      .map((r) => {
        const kinds = [r.bodyValue.kind];
        const hasBody = r.bodyValue.kind !== 'body:none';
        const payload = hasBody ? (r.encoding === 'gzip-bomb' ? Buffer.alloc(0) : serialise(r.bodyValue.body, r.serialisation)) : undefined;
        if (hasBody && r.serialisation !== 'json') kinds.push(`serialised:${r.serialisation}`);
        const headers: Record<string, string> = { ...r.auth, ...r.actor, ...r.idempotency, ...r.misc.requestId, ...r.misc.accept };
        let body = payload;
        if (payload) {
          if (r.contentType === 'default') headers['Content-Type'] = r.serialisation === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
          else if (r.contentType !== 'none') headers['Content-Type'] = r.contentType;
          if (r.contentType !== 'default') kinds.push(`content-type:${r.contentType}`);
          Object.assign(headers, signatureHeaders(r.signature, payload));
          if (r.encoding !== 'none') {
            const encoded = r.encoding === 'gzip-bomb' ? { body: bomb, header: 'gzip' } : encode(payload, r.encoding);
            body = encoded.body;
            if (encoded.header) headers['Content-Encoding'] = encoded.header;
            kinds.push(`encoding:${r.encoding}`);
          }
        } else {
          Object.assign(headers, signatureHeaders(r.signature, Buffer.alloc(0)));
        }
        if (r.signature !== 'none' && r.signature !== 'valid') kinds.push(`signature:${r.signature}`);
        if (r.method !== op.method) kinds.push(`method:${r.method}`);
        if (r.chunked && body) kinds.push('chunked');
        return { op: operationName(op), method: r.method, path: pathFor(op, r.params) + r.query, headers, body, chunked: r.chunked, kinds };
      });
  }

  async function exchange(findings: Findings, req: FuzzRequest, check: (res: RawResponse) => string | null): Promise<void> {
    let res: RawResponse;
    try {
      res = await http.send(req);
    } catch (error) {
      findings.record(req, error as Error, `no answer: ${(error as Error).message}`);
      return;
    }
    findings.record(req, res, check(res));
  }

  /** Everything a request could change, as one string per table. */
  async function fingerprint(): Promise<Record<string, string>> {
    const db = t.app.get(DataSource);
    const tables: Record<string, string> = {
      tickets: 'x.*',
      ticket_messages: 'x.*',
      ticket_events: 'x.*',
      idempotency_keys: 'x.*',
      kb_answers: 'x.*',
      kb_feedback: 'x.*',
      ticket_attachments: 'x.id, x.ticket_id, x.message_id, x.sha256',
      zendesk_tickets: 'x.*',
      zendesk_comments: 'x.*',
      zendesk_attachments: 'x.*',
      // Delivery updates rows on its own schedule: what was queued is what counts here.
      outbox: 'x.id, x.ticket_id, x.event_seq, x.address_key, x.channel',
    };
    const out: Record<string, string> = {};
    for (const [table, columns] of Object.entries(tables)) {
      const [row] = await db.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS h FROM (SELECT ${columns} FROM ${table} x) r`,
      );
      out[table] = `${row.n} ${row.h}`;
    }
    return out;
  }

  describe('the cases of issue 12, one by one', () => {
    const TICKETS = '/api/v1/tickets';
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
      // The tickets are asked by their requester (ticketBody's parent), as an act_as key does.
      http.send({ method: 'POST', path, headers: { Authorization: fullKey, 'Content-Type': 'application/json', 'X-On-Behalf-Of': PEOPLE.parent.entUserId, ...headers }, body: Buffer.from(body) });
    const countTickets = async () => (await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM tickets'))[0].n as number;
    const entTicket = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      subject: 'Blog de la classe inaccessible',
      description: 'Le blog de CE2 affiche une erreur pour tous les parents.',
      school_id: JEAN_MOULIN.structureId,
      owner: PEOPLE.teacher.entUserId,
      owner_name: PEOPLE.teacher.displayName,
      ...extra,
    });
    const signed = (payload: Buffer) => {
      const now = Math.floor(Date.now() / 1000);
      return { 'X-Relais-Timestamp': String(now), 'X-Relais-Signature': signRelaisRequest(TEST_ENT_SECRET, now, payload) };
    };
    /** The usual error body, with the request id of the answer's header; returns the body. */
    const refusal = (res: RawResponse, status: number, code: string) => {
      expect(errorBodyProblem(res)).toBeNull();
      const body = JSON.parse(res.body.toString('utf8'));
      expect({ status: res.status, code: body.code }).toEqual({ status, code });
      return body as { code: string; message: string; errors?: { path: string; message: string }[] };
    };

    it('refuses a body over 256 kB with 413, also when it is only that large once inflated', async () => {
      const before = await countTickets();
      const big = json(ticketBody({ description: 'x'.repeat(257 * 1024) }));
      refusal(await post(TICKETS, big), 413, 'PAYLOAD_TOO_LARGE');
      refusal(await post(TICKETS, gzipSync(big), { 'Content-Encoding': 'gzip' }), 413, 'PAYLOAD_TOO_LARGE');
      refusal(await post(TICKETS, bomb, { 'Content-Encoding': 'gzip' }), 413, 'PAYLOAD_TOO_LARGE');
      expect(await countTickets()).toBe(before);
    });

    it.each(['latin1', 'iso-8859-1', 'utf-16', 'windows-1252'])('refuses charset=%s with 415', async (charset) => {
      const before = await countTickets();
      const body = refusal(await post(TICKETS, json(ticketBody()), { 'Content-Type': `application/json; charset=${charset}` }), 415, 'UNSUPPORTED_CHARSET');
      expect(body.message).toContain(charset);
      refusal(await post(TICKETS, 'subject=x', { 'Content-Type': `application/x-www-form-urlencoded; charset=${charset}` }), 415, 'UNSUPPORTED_CHARSET');
      expect(await countTickets()).toBe(before);
    });

    it('takes UTF-8 however the charset is written', async () => {
      for (const contentType of ['application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'Application/JSON']) {
        expect((await post(TICKETS, json(ticketBody()), { 'Content-Type': contentType })).status).toBe(201);
      }
    });

    it.each([
      ['gzip', Buffer.from('not gzip at all')],
      ['deflate', Buffer.from([0xff, 0xff, 0x00, 0x01])],
      ['br', brotliCompressSync(json(ticketBody())).subarray(0, 3)],
      ['gzip', gzipSync(json(ticketBody())).subarray(0, 20)],
    ])('refuses %s bytes that do not decompress with 400', async (coding, bytes) => {
      const before = await countTickets();
      refusal(await post(TICKETS, bytes, { 'Content-Encoding': coding }), 400, 'MALFORMED_COMPRESSION');
      expect(await countTickets()).toBe(before);
    });

    it.each(['zstd', 'compress', 'x-gzip', 'gzip, gzip'])('refuses Content-Encoding: %s with 415', async (coding) => {
      refusal(await post(TICKETS, json(ticketBody()), { 'Content-Encoding': coding }), 415, 'UNSUPPORTED_CONTENT_ENCODING');
    });

    it('accepts a valid gzip, deflate or br body, as body-parser inflates it', async () => {
      const before = await countTickets();
      const body = json(ticketBody({ subject: 'Envoyé compressé' }));
      for (const [coding, bytes] of [['gzip', gzipSync(body)], ['deflate', deflateSync(body)], ['br', brotliCompressSync(body)]] as const) {
        const res = await post(TICKETS, bytes, { 'Content-Encoding': coding });
        expect({ coding, status: res.status }).toEqual({ coding, status: 201 });
        expect(JSON.parse(res.body.toString('utf8')).subject).toBe('Envoyé compressé');
      }
      expect(await countTickets()).toBe(before + 3);
    });

    it('checks a compressed ENT request against the signature of its JSON, before compression', async () => {
      const payload = json(entTicket('ent-gzip-1'));
      const res = await http.send({ method: 'POST', path: ENT_INTAKE, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...signed(payload) }, body: gzipSync(payload) });
      expect(res.status).toBe(201);
      const forged = json(entTicket('ent-gzip-2'));
      const refused = await http.send({ method: 'POST', path: ENT_INTAKE, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...signed(gzipSync(forged)) }, body: gzipSync(forged) });
      refusal(refused, 401, 'ENT_SIGNATURE_INVALID');
    });

    it.each([
      ['the subject', { subject: 'Mot de passe \ud800' }, 'subject'],
      ['a nested field', { requester: { ...PEOPLE.parent, displayName: 'Sophie \udc00' } }, 'requester.displayName'],
      ['a high surrogate at the end', { description: 'Bonjour \ud83d' }, 'description'],
    ])('refuses a lone surrogate in %s with 400, naming the field', async (_, overrides, path) => {
      const before = await countTickets();
      const body = refusal(await post(TICKETS, json(ticketBody(overrides))), 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(await countTickets()).toBe(before);
    });

    it('keeps a well-formed pair (an emoji) and refuses only its lone halves', async () => {
      const res = await post(TICKETS, json(ticketBody({ subject: 'Merci 😀' })));
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body.toString('utf8')).subject).toBe('Merci 😀');
    });

    it.each([
      ['a lone surrogate in an ENT comment', entTicket('ent-text-1', { comments: [{ id: 'c1', owner: 'demo-teacher-jm', owner_name: 'Julien', content: 'Toujours \ud800' }] }), 'comments.0.content'],
      ['a NUL in a field the intake drops', entTicket('ent-text-2', { extra: { note: 'a\u0000b' } }), 'extra.note'],
      ['a NUL in a key', entTicket('ent-text-3', { ['clé\u0000']: 1 }), '"clé\\u0000"'],
      ['a lone surrogate in a key', entTicket('ent-text-4', { meta: { ['\udfff']: 'x' } }), 'meta."\\udfff"'],
    ])('refuses %s with 400 even with a valid signature', async (_, ticket, path) => {
      const before = await countTickets();
      const payload = json(ticket);
      const res = await http.send({ method: 'POST', path: ENT_INTAKE, headers: { 'Content-Type': 'application/json', ...signed(payload) }, body: payload });
      const body = refusal(res, 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(await countTickets()).toBe(before);
    });

    it('refuses malformed JSON with 400 and the request id', async () => {
      const res = await post(TICKETS, '{"subject": ', { 'X-Request-Id': 'fuzz-malformed-json' });
      refusal(res, 400, 'MALFORMED_BODY');
      expect(res.headers['x-request-id']).toBe('fuzz-malformed-json');
    });

    it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset', ';'])(
      'refuses a body of type %s with 415',
      async (contentType) => {
        refusal(await post(TICKETS, json(ticketBody()), { 'Content-Type': contentType }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      },
    );

    it('refuses a body without Content-Type with 415, but not a request without a body', async () => {
      const res = await http.send({ method: 'POST', path: TICKETS, headers: { Authorization: fullKey }, body: json(ticketBody()) });
      refusal(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const empty = await http.send({ method: 'POST', path: `/api/v1/notifications/dead-letters/${randomUUID()}/retry`, headers: { Authorization: fullKey, 'Content-Length': '0' } });
      refusal(empty, 404, 'NOTIFICATION_NOT_FOUND');
    });

    it('parses urlencoded bodies sent without charset and keeps their raw bytes for a signature (as Slack sends them)', async () => {
      const form = 'id=ent-form-1&subject=Blog+en+panne&description=Le+blog+affiche+une+erreur.&school_id=struct-jean-moulin&owner=demo-teacher-jm&owner_name=Julien+Moreau';
      const payload = Buffer.from(form);
      const res = await http.send({ method: 'POST', path: ENT_INTAKE, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...signed(payload) }, body: payload });
      expect(res.status).toBe(201);
    });

    it('answers a request Node cannot parse with the usual error body', async () => {
      const badHeader = await http.sendBytes('GET /health HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n');
      expect(badHeader.status).toBe(400);
      expect(errorBodyProblem(badHeader)).toBeNull();
      expect(JSON.parse(badHeader.body.toString('utf8')).code).toBe('MALFORMED_REQUEST');
      const badChunk = await http.sendBytes(`POST ${TICKETS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);
      expect(badChunk.status).toBe(400);
      expect(errorBodyProblem(badChunk)).toBeNull();
      const huge = await http.sendBytes(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`);
      expect(huge.status).toBe(431);
      expect(JSON.parse(huge.body.toString('utf8')).code).toBe('HEADERS_TOO_LARGE');
      // A HEAD answer has no body, or an HTTP client reads it as the next answer.
      const head = await http.send({ method: 'HEAD', path: `/health?x=${'x'.repeat(20_000)}`, headers: {} });
      expect(head.status).toBe(431);
      expect(head.body.length).toBe(0);
    });

    it('gives the framework\'s own refusals codes of the union', async () => {
      const badParam = await http.send({ method: 'GET', path: `${TICKETS}/%ff`, headers: { Authorization: fullKey } });
      refusal(badParam, 400, 'VALIDATION_FAILED');
      const unknown = await http.send({ method: 'GET', path: '/api/v1/nowhere', headers: {} });
      refusal(unknown, 404, 'NOT_FOUND');
    });

    it('refuses a date PostgreSQL cannot read with 400 (the year 0000)', async () => {
      const res = await http.send({ method: 'GET', path: '/api/v1/assist/stats?since=0000-01-01T00:00:00Z', headers: { Authorization: fullKey } });
      const body = refusal(res, 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([expect.objectContaining({ path: 'since' })]);
    });
  });

  it('reads the routes from the OpenAPI document', () => {
    const names = ops.map(operationName);
    expect(names).toEqual(expect.arrayContaining([
      'POST /api/v1/tickets',
      'GET /api/v1/tickets/{reference}',
      'POST /api/v1/tickets/{reference}/transitions',
      'POST /api/v1/intake/ent/tickets',
      'POST /api/v1/assist',
      'POST /api/v1/notifications/dead-letters/{id}/retry',
      'POST /api/v2/uploads.json',
      'POST /api/v2/tickets.json',
      'PUT /api/v2/tickets/{ticket_id}',
      'GET /api/v2/tickets/{ticket_id}/comments',
      'GET /api/v2/incremental/tickets',
      'GET /api/v2/attachments/{attachment_id}/content',
    ]));
    expect(ops.filter((op) => op.body).length).toBeGreaterThanOrEqual(7);
  });

  describe('malformed requests to the routes that change things', () => {
    type Fault = { kind: string; status: number; code: string; errorPath?: string };

    /**
     * One fault on top of an otherwise acceptable request (the right key, an
     * actor, a real ticket, a valid ENT signature over the exact bytes): the
     * answer is the status and code of that fault.
     */
    function malformedRequestFor(op: Operation): fc.Arbitrary<FuzzRequest & { fault: Fault }> {
      const dict = dictionary();
      // A route without a body still gets one with a string in it, for the serialisations to break.
      const base = op.body ? valueFor(op.body, { dictionary: dict, nasty: false }) : fc.constant({ commentaire: 'rien à signaler' });
      const strings = op.body ? stringPaths(op.body) : [];
      const transport: fc.Arbitrary<string>[] = [
        fc.constantFrom('oversize', 'oversize-gzip', 'gzip-bomb'),
        fc
          .constantFrom('latin1', 'iso-8859-1', 'utf-16', 'utf-16le', 'ascii', 'windows-1252', 'bogus', 'utf-7')
          .filter((c) => !(ZENDESK_ROUTE.test(op.path) && c.startsWith('utf-16')))
          .map((c) => `charset:${c}`),
        fc.constantFrom('zstd', 'compress', 'x-gzip', 'bogus', 'gzip, gzip').map((e) => `encoding:${e}`),
        fc.constantFrom('gzip-garbage', 'deflate-garbage', 'br-garbage', 'gzip-truncated').map((e) => `compression:${e}`),
        fc.constantFrom('truncated', 'trailing-garbage', 'single-quotes', 'raw-control-char', 'top-level-string').map((s) => `json:${s}`),
        fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'none').map((c) => `content-type:${c}`),
        fc.constantFrom('lone-surrogate', 'nul').map((s) => `text:${s}:unknown-key`),
      ];
      if (op.body) {
        transport.push(fc.constantFrom('lone-surrogate', 'nul').map((s) => `text:${s}`));
        transport.push(fc.constantFrom('missing-required', 'array'));
      }
      return fc
        .record({
          fault: fc.oneof(...transport),
          body: base,
          path: strings.length ? fc.constantFrom(...strings) : fc.constant([] as (string | number)[]),
          surrogate: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', 'x\ud83d', '\ude00y', '\ud800\ud800'),
          nulText: fc.constantFrom('\u0000', 'a\u0000', '\u0000\u0000b'),
          requestId: fc.option(fc.stringMatching(/^[\w-]{1,64}$/), { nil: undefined }),
        })
        .map(({ fault, body, path, surrogate, nulText, requestId }) => {
          const headers: Record<string, string> = { Authorization: fullKey, 'Content-Type': 'application/json' };
          if (requestId) headers['X-Request-Id'] = requestId;
          if (actorHeader(op)) headers['X-On-Behalf-Of'] = PEOPLE.directorJeanMoulin.entUserId;
          let value: unknown = body;
          let expected: Fault;
          let payload: Buffer | undefined;
          let wire: Buffer | undefined;
          const [family, detail, where] = fault.split(':');
          switch (family) {
            case 'oversize':
            case 'oversize-gzip':
            case 'gzip-bomb':
              expected = { kind: fault, status: 413, code: 'PAYLOAD_TOO_LARGE' };
              if (fault === 'oversize') {
                payload = serialise(value, 'oversize');
              } else {
                // Small on the wire, past the limit once inflated: the limit counts inflated bytes.
                payload = Buffer.from('{}');
                wire = fault === 'gzip-bomb' ? bomb : oversizeGzip;
                headers['Content-Encoding'] = 'gzip';
              }
              break;
            case 'charset':
              expected = { kind: fault, status: 415, code: 'UNSUPPORTED_CHARSET' };
              headers['Content-Type'] = `application/json; charset=${detail}`;
              break;
            case 'encoding':
              expected = { kind: fault, status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' };
              headers['Content-Encoding'] = detail;
              break;
            case 'compression': {
              expected = { kind: fault, status: 400, code: 'MALFORMED_COMPRESSION' };
              payload = serialise(value, 'json');
              const encoded = encode(payload, detail);
              wire = encoded.body;
              headers['Content-Encoding'] = encoded.header;
              break;
            }
            case 'json':
              expected = { kind: fault, status: 400, code: 'MALFORMED_BODY' };
              payload = detail === 'top-level-string' ? Buffer.from('"un texte"') : serialise(value, detail);
              break;
            case 'content-type':
              expected = { kind: fault, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
              if (detail === 'none') delete headers['Content-Type'];
              else headers['Content-Type'] = detail;
              break;
            case 'text': {
              const text = detail === 'nul' ? nulText : surrogate;
              const at = where === 'unknown-key' || path.length === 0 ? ['commentaire'] : path;
              value = setAt(value, at, text);
              expected = { kind: fault, status: 400, code: 'VALIDATION_FAILED', errorPath: at.join('.') };
              break;
            }
            case 'missing-required': {
              const required = op.body?.required ?? [];
              const copy = { ...(value as Record<string, unknown>) };
              for (const key of required) delete copy[key];
              value = copy;
              expected = { kind: fault, status: 400, code: 'VALIDATION_FAILED' };
              break;
            }
            default:
              value = [value];
              expected = { kind: fault, status: 400, code: 'VALIDATION_FAILED' };
          }
          payload ??= serialise(value, 'json');
          if (op.path === ENT_INTAKE) Object.assign(headers, signatureHeaders('valid', payload));
          if (op.headers.some((h) => h.name === 'Idempotency-Key')) headers['Idempotency-Key'] = `fuzz-${randomUUID()}`;
          return {
            op: operationName(op),
            method: op.method,
            path: pathFor(op, Object.fromEntries(op.pathParams.map((p) => [p, percentEncode(pathValues(p)[0])]))),
            headers,
            body: wire ?? payload,
            kinds: [fault],
            fault: expected,
          };
        });
    }

    it('answers each with the status and code of its fault, and changes nothing', async () => {
      const findings = new Findings();
      // Notifications of the tickets created so far are delivered first: delivery writes history of its own. No row
      // pending is not enough: the relay writes the history's rows already delivered, maybe after this look.
      expect(await t.app.get(NotificationsSettle).settle(20_000)).toBe(true);
      const before = await fingerprint();
      const writes = ops.filter((op) => op.method === 'POST' && !isZendeskUpload(op));
      for (const op of writes) {
        await fc.assert(
          fc.asyncProperty(malformedRequestFor(op), async (req) => {
            await exchange(findings, req, (res) => {
              const problem = problemWith(req, res) ?? errorBodyProblem(res);
              if (problem) return problem;
              const body = JSON.parse(res.body.toString('utf8'));
              if (res.status !== req.fault.status || body.code !== req.fault.code) return `${res.status} ${body.code}, expected ${req.fault.status} ${req.fault.code}`;
              const { errorPath } = req.fault;
              if (errorPath && !(body.errors ?? []).some((e: { path: string }) => e.path === errorPath)) return `no error at ${errorPath}`;
              return null;
            });
            return true;
          }),
          { numRuns: RUNS, seed: SEED },
        );
      }
      console.log(`malformed writes: ${findings.total}`);
      expect(findings.problems()).toEqual([]);
      expect(await fingerprint()).toEqual(before);
    }, 600_000);
  });

  it('never answers any request with a 5xx, and refuses with the usual error body', async () => {
    const findings = new Findings();
    const covered = new Set<string>();
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(anyRequestFor(op), async (req) => {
          covered.add(req.op);
          await exchange(findings, req, (res) => problemWith(req, res));
          return true;
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    console.log(`any request: ${findings.total}`);
    expect([...covered].sort()).toEqual(ops.map(operationName).sort());
    expect(findings.problems()).toEqual([]);
  }, 600_000);

});
