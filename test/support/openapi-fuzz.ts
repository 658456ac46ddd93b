import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** The part of JSON Schema (OpenAPI 3.0 flavour) that zod's `toJSONSchema` writes for the request bodies. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  maxItems?: number;
  minItems?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, {
    parameters?: OpenApiParameter[];
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
    security?: unknown[];
  }>>;
}

export interface Operation {
  /** Upper case, as sent. */
  method: string;
  /** The OpenAPI template, `/api/v1/tickets/{reference}`. */
  path: string;
  pathParams: string[];
  query: string[];
  headers: { name: string; required: boolean }[];
  body?: JsonSchema;
  secured: boolean;
}

export const operationName = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** Every route and method of the document, with what it says about parameters and bodies. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => p.name),
        headers: params.filter((p) => p.in === 'header').map((p) => ({ name: p.name, required: !!p.required })),
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return ops;
}

/**
 * Strings that have broken a parser, a database or a template somewhere:
 * what PostgreSQL cannot store (NUL, lone surrogates), invisible and
 * direction characters, escapes, injections, boundaries.
 */
export const NASTY_STRINGS: string[] = [
  '', ' ', '   \t\n', '\u0000', 'mot\u0000de passe', '\ud800', 'a\udfffb', '\udbff\udbff', 'fin\ud83d', '\ude00début',
  '😀👩‍👩‍👧', 'e\u0301', '\u202eesrever', '\ufeffBOM', '\uffff', '\ufffe', '\u0085\u2028\u2029', '\u001b[31m',
  '%00', '%', '%zz', '\\', '\\u0000', '\\ud800', '"', "'", '`', "'; DROP TABLE tickets; --", '%_\\%',
  '{{constructor.constructor "alert(1)"}}', '{{#each this}}{{/each}}', '{{> partial}}', '<script>alert(1)</script>',
  '__proto__', 'constructor', 'prototype', 'toString', '../../../etc/passwd', 'null', 'undefined', 'true', '0', '-0',
  '1e400', 'NaN', 'Infinity', '9007199254740993', '0x10', '2026-02-30T25:61:61Z', '0000-01-01T00:00:00Z',
  '\r\nX-Injected: 1', 'AST-2026-000001', 'é'.repeat(200), 'A'.repeat(4001), 'B'.repeat(20_001),
];

/** Any text, including what no keyboard types: lone surrogates, NUL, control characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** Plausible French text, so that semi-valid requests get past validation and reach the database. */
const FRENCH = [
  'Bonjour, je n’arrive plus à me connecter à l’ENT depuis lundi.',
  'mdp oublié',
  'Mon fils ne voit pas les devoirs de sa classe.',
  'Le blog de la classe affiche une erreur.',
  'Comment distribuer les codes d’activation aux parents ?',
  'Élève arrivé en cours d’année : pas de compte.',
];

export type Dictionary = Record<string, readonly unknown[]>;

/**
 * A value for `schema`: most of the time of the right shape (enums, patterns,
 * lengths, the dictionary's known ids for a property of that name), sometimes
 * at a boundary. `nasty` mixes in any text for strings.
 */
export function valueFor(schema: JsonSchema, options: { dictionary: Dictionary; key?: string; nasty: boolean; depth?: number }): fc.Arbitrary<unknown> {
  const depth = options.depth ?? 0;
  const known = options.key !== undefined ? options.dictionary[options.key] : undefined;
  let arb = shapedValue(schema, { ...options, depth });
  if (known?.length) arb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: arb });
  if (schema.nullable) arb = fc.option(arb, { nil: null, freq: 8 });
  return arb;
}

function shapedValue(schema: JsonSchema, options: { dictionary: Dictionary; nasty: boolean; depth: number }): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((s) => valueFor(s, options)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringFor(schema, options.nasty);
    case 'integer': {
      const min = schema.minimum ?? -1_000_000;
      const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, { ...options, depth: options.depth + 1 }), {
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries(props)) record[key] = valueFor(prop, { ...options, key, depth: options.depth + 1 });
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: JsonSchema, nasty: boolean): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 10_000;
  const fits = (s: string) => s.length >= min && s.length <= max;
  let shaped: fc.Arbitrary<string>;
  if (schema.format === 'date-time') {
    shaped = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  } else if (schema.pattern) {
    shaped = fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  } else {
    const french = FRENCH.filter(fits);
    shaped = fc.oneof(
      { weight: french.length ? 4 : 0, arbitrary: french.length ? fc.constantFrom(...french) : fc.constant('x'.repeat(min)) },
      { weight: 2, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 60), unit: 'grapheme' }) },
      // At the limit (and, for nasty values, one past it).
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(Math.min(max, 25_000)), ...(nasty ? ['x'.repeat(Math.min(max + 1, 25_000))] : [])) },
    );
  }
  return nasty ? fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: anyText }) : shaped;
}

/** Every property path holding a string in `schema` (through objects, arrays and unions). */
export function stringPaths(schema: JsonSchema, prefix: (string | number)[] = []): (string | number)[][] {
  if (schema.type === 'string' && !schema.enum) return [prefix];
  const out: (string | number)[][] = [];
  for (const variant of schema.anyOf ?? schema.oneOf ?? []) out.push(...stringPaths(variant, prefix));
  for (const [key, prop] of Object.entries(schema.properties ?? {})) out.push(...stringPaths(prop, [...prefix, key]));
  if (schema.items) out.push(...stringPaths(schema.items, [...prefix, 0]));
  return out;
}

/** Sets `value` at `path`, creating objects and one-element arrays on the way. */
export function setAt(target: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array = Array.isArray(target) && target.length ? [...target] : [{}];
    array[0] = setAt(array[0], rest, value);
    return array;
  }
  const object = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  object[head] = setAt(object[head], rest, value);
  return object;
}

/**
 * Changes to a body that a careless or hostile client makes: a required key
 * dropped, an unknown key, a value of another type, any text in a string.
 */
export function mutatedBody(schema: JsonSchema, base: fc.Arbitrary<unknown>): fc.Arbitrary<{ body: unknown; kind: string }> {
  const required = schema.required ?? [];
  const strings = stringPaths(schema);
  const mutations: fc.Arbitrary<{ body: unknown; kind: string }>[] = [
    fc.tuple(base, fc.oneof(fc.constantFrom('__proto__', 'constructor', '\u0000', '\ud800', '', 'k'.repeat(300)), fc.string()), fc.jsonValue({ maxDepth: 3 }))
      .map(([body, key, value]) => ({ body: { ...(body as object), [key]: value }, kind: 'body:unknown-key' })),
    fc.jsonValue({ maxDepth: 3 }).map((body) => ({ body, kind: 'body:any-json' })),
  ];
  if (required.length) {
    mutations.push(fc.tuple(base, fc.constantFrom(...required)).map(([body, key]) => {
      const copy = { ...(body as Record<string, unknown>) };
      delete copy[key];
      return { body: copy, kind: 'body:missing-required' };
    }));
  }
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length) {
    mutations.push(fc.tuple(base, fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }))
      .map(([body, key, value]) => ({ body: { ...(body as object), [key]: value }, kind: 'body:wrong-type' })));
  }
  if (strings.length) {
    mutations.push(fc.tuple(base, fc.constantFrom(...strings), anyText)
      .map(([body, path, text]) => ({ body: setAt(body, path, text), kind: 'body:any-text' })));
  }
  // Half the bodies keep their shape, so that many requests get past validation and reach the database.
  return fc.oneof({ weight: mutations.length, arbitrary: base.map((body) => ({ body, kind: 'body:shaped' })) }, ...mutations);
}

/** How a JSON value becomes the bytes of a body: mostly faithfully, sometimes broken. */
export const serialisations: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'truncated', 'trailing-garbage', 'bom', 'invalid-utf8', 'raw-control-char', 'single-quotes', 'duplicate-keys',
      'deep-nesting', 'empty', 'whitespace', 'huge-number', 'oversize', 'form',
    ),
  },
);

export function serialise(value: unknown, how: string): Buffer {
  const json = JSON.stringify(value) ?? 'null';
  switch (how) {
    case 'truncated':
      // Never empty: an empty body is no body, which is valid.
      return Buffer.from(json.slice(0, Math.max(1, json.length - 1 - (json.length >> 1))));
    case 'trailing-garbage':
      return Buffer.from(json + '}{"x":');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from(json.slice(0, -2)), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0]), Buffer.from(json.slice(-2))]);
    case 'raw-control-char':
      return Buffer.from(json.replace(/"([^"]*)"/, '"$1\u0000\u0001"'));
    case 'single-quotes':
      return Buffer.from(json.replace(/"/g, "'"));
    case 'duplicate-keys':
      return Buffer.from(json.startsWith('{') && json.length > 2 ? `{"subject":1,${json.slice(1)}` : json);
    case 'deep-nesting':
      return Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    case 'empty':
      return Buffer.alloc(0);
    case 'whitespace':
      return Buffer.from(' \n\t ');
    case 'huge-number':
      return Buffer.from(json.replace(/:(\d+|"[^"]*")/, ':1e400'));
    case 'oversize':
      return Buffer.from(json.startsWith('{') && json.length > 2 ? `{"padding":"${'x'.repeat(300 * 1024)}",${json.slice(1)}` : `["${'x'.repeat(300 * 1024)}"]`);
    case 'form':
      return Buffer.from(formEncode(value));
    default:
      return Buffer.from(json);
  }
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) goes out
 * as the percent-encoded bytes of its CESU-8 form, as a careless encoder would.
 */
export function percentEncode(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g, (part) => {
    if (part.length !== 1 || part.charCodeAt(0) < 0xd800 || part.charCodeAt(0) > 0xdfff) return encodeURIComponent(part);
    const c = part.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('');
  });
}

/** qs-style form encoding of nested objects (`requester[entUserId]=…`). */
export function formEncode(value: unknown, prefix = ''): string {
  if (value === null || typeof value !== 'object') {
    return prefix ? `${percentEncode(prefix)}=${percentEncode(String(value))}` : percentEncode(String(value));
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => formEncode(v, prefix ? `${prefix}[${k}]` : k))
    .filter(Boolean)
    .join('&');
}

export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"',
  'application/json; charset=latin1', 'application/json; charset=iso-8859-1', 'application/json; charset=utf-16',
  'application/json; charset=utf-16le', 'application/json; charset=utf8', 'application/json; charset=ascii',
  'application/json; charset=bogus', 'application/json; charset=', 'application/json; charset', 'application/json;;',
  'application/JSON', 'application/vnd.api+json', 'application/merge-patch+json', 'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1', 'text/plain', 'text/plain; charset=utf-8', 'application/xml',
  'multipart/form-data; boundary=----x', 'multipart/form-data', 'application/octet-stream', '*/*', 'json', ';', '', '\u00e9/\u00e9',
];

/** Content codings: the three body-parser inflates, and others. `-garbage` sends bytes that do not decompress. */
export const ENCODINGS = [
  'gzip', 'deflate', 'br', 'gzip-garbage', 'deflate-garbage', 'br-garbage', 'gzip-truncated', 'gzip-bomb',
  'zstd', 'compress', 'x-gzip', 'identity', 'GZIP', 'gzip, gzip', 'gzip, identity', 'bogus', '',
];

/** The bytes and Content-Encoding header for `payload` sent with `encoding`. */
export function encode(payload: Buffer, encoding: string): { body: Buffer; header: string } {
  switch (encoding) {
    case 'gzip':
    case 'GZIP':
      return { body: gzipSync(payload), header: encoding };
    case 'deflate':
      return { body: deflateSync(payload), header: 'deflate' };
    case 'br':
      return { body: brotliCompressSync(payload), header: 'br' };
    case 'gzip-garbage':
      return { body: Buffer.concat([Buffer.from('not gzip at all'), payload]), header: 'gzip' };
    case 'deflate-garbage':
      return { body: Buffer.concat([Buffer.from([0xff, 0xff, 0x00]), payload]), header: 'deflate' };
    case 'br-garbage':
      // Truncated brotli: the decoder never sees the last meta-block.
      return { body: brotliCompressSync(Buffer.concat([payload, Buffer.from(' '.repeat(64))])).subarray(0, 3), header: 'br' };
    case 'gzip-truncated': {
      const full = gzipSync(payload);
      return { body: full.subarray(0, Math.max(1, full.length - 6)), header: 'gzip' };
    }
    case 'gzip-bomb':
      // 10 MB of zeros in about 10 kB: must stop at the body limit, not inflate it all.
      return { body: gzipSync(Buffer.alloc(10 * 1024 * 1024)), header: 'gzip' };
    default:
      return { body: payload, header: encoding };
  }
}

/** Segments for a path parameter that no route expects. */
export const PATH_GARBAGE = [
  '%', '%zz', '%ff', '%00', '%c0%af', '..', '%2e%2e%2f', '%2F', 'AST-2026-000000', 'ast-2026-000001', '00000000-0000-0000-0000-000000000000',
  'x'.repeat(2000), '%F0%9F%98%80', '%ED%A0%80', '%E9', '__proto__', 'null', '%20', '@', ':', ';', ',', '*',
];
