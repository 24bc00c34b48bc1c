/** Generated webhook requests for the fuzz scenario (fast-check, seeded: a run repeats exactly). */
import fc from 'fast-check';
import { type Json, messageEnvelope } from '../support/avito-envelope.js';
import { TELEGRAM_SECRET } from './harness.js';

/** One request to send: which route, what kind of garbage, headers and raw bytes. */
export interface FuzzRequest {
  route: 'avito' | 'telegram';
  kind: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The envelope's `id` when the body is an object carrying a string id (to check it was not stored). */
  envelopeId?: string;
}

const AVITO_LIMIT = 64 * 1024;
const TELEGRAM_LIMIT = 1024 * 1024;
const JSON_TYPE = { 'content-type': 'application/json' };
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A valid delivery, distinct per `n`. */
const envelope = (n: number) =>
  messageEnvelope(
    `fuzz-${n.toString(16).padStart(8, '0')}-0000-4000-a000-000000000000`,
    { id: `fuzzmsg${n}`, chat_id: `u2i-fuzz${n}`, user_id: 94235311, author_id: 100 + n },
    1_700_000_000 + n,
  );

const FIELD_PATHS: readonly string[][] = [
  ['id'],
  ['version'],
  ['timestamp'],
  ['payload'],
  ['payload', 'type'],
  ['payload', 'value'],
  ['payload', 'value', 'id'],
  ['payload', 'value', 'chat_id'],
  ['payload', 'value', 'user_id'],
  ['payload', 'value', 'author_id'],
  ['payload', 'value', 'created'],
  ['payload', 'value', 'type'],
  ['payload', 'value', 'chat_type'],
  ['payload', 'value', 'content'],
  ['payload', 'value', 'content', 'text'],
];

/** Sets (or with `undefined` deletes) the value at `path` inside a copy of `obj`. */
function at(
  obj: { [key: string]: Json },
  path: readonly string[],
  value: Json | undefined,
): { [key: string]: Json } {
  const copy = structuredClone(obj);
  let node: { [key: string]: Json } = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return copy;
    node = next;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const jsonBody = (value: Json) => utf8(JSON.stringify(value));
const idOf = (value: Json): string | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.id === 'string'
    ? value.id
    : undefined;

type Part = Omit<FuzzRequest, 'route' | 'headers'> & { headers?: Record<string, string> };

/** Bodies meant for either route; `limit` is the route's body limit. */
function bodies(limit: number, scale = 1): fc.Arbitrary<Part> {
  const n = fc.nat({ max: 1_000_000 });
  const anyJson = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
  return fc.oneof(
    {
      weight: 4 * scale,
      arbitrary: anyJson.map((v) => ({ kind: 'any-json', body: jsonBody(v), envelopeId: idOf(v) })),
    },
    {
      weight: 6 * scale,
      arbitrary: fc
        .tuple(n, fc.constantFrom(...FIELD_PATHS), anyJson)
        .map(([i, path, v]) => at(envelope(i), path, v))
        .map((v) => ({ kind: 'wrong-type', body: jsonBody(v), envelopeId: idOf(v) })),
    },
    {
      weight: 1 * scale,
      arbitrary: fc
        .tuple(
          n,
          fc.constantFrom(['id'], ['payload', 'value', 'id'], ['payload', 'value', 'chat_id']),
          fc.string({ maxLength: 12 }),
          fc.constantFrom(' ', '\t', 'é', '\n', ''),
        )
        .map(([i, path, text, odd]) => at(envelope(i), path, `${text}${odd}x`))
        .map((v) => ({ kind: 'odd-id', body: jsonBody(v), envelopeId: idOf(v) })),
    },
    {
      weight: 4 * scale,
      arbitrary: fc
        .tuple(n, fc.subarray([...FIELD_PATHS], { minLength: 1, maxLength: 4 }))
        .map(([i, paths]) => paths.reduce((e, p) => at(e, p, undefined), envelope(i)))
        .map((v) => ({ kind: 'missing-fields', body: jsonBody(v), envelopeId: idOf(v) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(n, fc.integer({ min: -2048, max: 2048 }), fc.constantFrom('я', 'a', '\\', '"', '😀'))
        .map(([i, delta, ch]) => {
          const base = envelope(i);
          const bytes = utf8(JSON.stringify(base)).length;
          const room = Math.max(0, limit - bytes + delta);
          const perChar = utf8(JSON.stringify(ch)).length - 2;
          const text = ch.repeat(Math.max(1, Math.floor(room / perChar)));
          const v = at(base, ['payload', 'value', 'content', 'text'], text);
          return {
            kind: delta > 0 ? 'huge-over-limit' : 'huge-near-limit',
            body: jsonBody(v),
            envelopeId: idOf(v),
          };
        }),
    },
    {
      weight: 2 * scale,
      arbitrary: fc
        .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean(), fc.boolean())
        .map(([depth, arrays, closed]) => {
          const open = arrays ? '['.repeat(depth) : '{"a":'.repeat(depth);
          const close = closed ? (arrays ? ']'.repeat(depth) : '}'.repeat(depth)) : '';
          return { kind: 'deep-nesting', body: utf8(`${open}${arrays ? '' : '1'}${close}`) };
        }),
    },
    {
      weight: 3 * scale,
      arbitrary: fc
        .tuple(n, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean())
        .map(([i, junk, wrapped]) => {
          // Bytes that are never valid UTF-8, inside an otherwise good envelope or alone.
          const bad = new Uint8Array([0xff, 0xfe, ...junk, 0xc3, 0x28]);
          if (!wrapped) return { kind: 'invalid-utf8', body: bad };
          const [head, tail] = JSON.stringify(envelope(i)).split('Здравствуйте') as [string, string];
          return {
            kind: 'invalid-utf8',
            body: new Uint8Array([
              ...utf8(head),
              ...bad.filter((b) => b !== 0x22 && b !== 0x5c),
              ...utf8(tail),
            ]),
            envelopeId: idOf(envelope(i)),
          };
        }),
    },
    {
      weight: 2 * scale,
      arbitrary: fc
        .tuple(
          n,
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=xyz',
            'application/xml',
            'image/png',
            'application/json; charset=utf-16',
            'application/json; charset=latin1',
            'application/octet-stream',
          ),
        )
        .map(([i, type]) => ({
          kind: 'wrong-content-type',
          body: jsonBody(envelope(i)),
          headers: { 'content-type': type },
          envelopeId: idOf(envelope(i)),
        })),
    },
    {
      weight: 1 * scale,
      arbitrary: fc.constantFrom<Record<string, string>>({}, JSON_TYPE).map((headers) => ({
        kind: 'empty',
        body: new Uint8Array(),
        headers,
      })),
    },
    { weight: 1 * scale, arbitrary: fc.constant({ kind: 'check', body: utf8('{}') }) },
  );
}

/** Plausible Telegram updates from strangers and odd shapes (well-formed JSON objects). */
const telegramUpdates: fc.Arbitrary<Part> = fc
  .record({
    update_id: fc.integer({ min: -1, max: 2 ** 31 }),
    from: fc.integer({ min: 1, max: 2 ** 40 }),
    text: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('/start', '/status', '/mode auto', '/pause'),
    ),
    callback: fc.option(fc.string({ maxLength: 64 }), { nil: undefined }),
  })
  .map(({ update_id, from, text, callback }) => {
    const user = { id: from, is_bot: false, first_name: 'Fuzz' };
    const chat = { id: from, type: 'private', first_name: 'Fuzz' };
    const update: Json =
      callback === undefined
        ? { update_id, message: { message_id: 1, date: 1_700_000_000, chat, from: user, text } }
        : {
            update_id,
            callback_query: {
              id: String(update_id),
              from: user,
              chat_instance: '1',
              data: callback,
              message: { message_id: 1, date: 1_700_000_000, chat, from: user, text: 'card' },
            },
          };
    return { kind: 'update', body: jsonBody(update) };
  });

/** `count` seeded requests, about half for each route; Telegram requests carry the secret header mostly. */
export function fuzzRequests(count: number, seed: number): FuzzRequest[] {
  const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
    bodies(AVITO_LIMIT).map((p) => ({
      route: 'avito' as const,
      ...p,
      headers: p.headers ?? JSON_TYPE,
    })),
    fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: bodies(TELEGRAM_LIMIT, 5) },
          { weight: 1, arbitrary: telegramUpdates },
        ),
        fc.constantFrom<string | undefined>(
          TELEGRAM_SECRET,
          TELEGRAM_SECRET,
          TELEGRAM_SECRET,
          'wrong-secret',
          undefined,
        ),
      )
      .map(([p, secret]) => ({
        route: 'telegram' as const,
        ...p,
        envelopeId: undefined,
        headers: {
          ...(p.headers ?? JSON_TYPE),
          ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
      })),
  );
  return fc.sample(request, { numRuns: count, seed });
}
