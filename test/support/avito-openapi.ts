/**
 * Checks bodies against Avito's official OpenAPI 3.0 documents (messenger, authorization, items, user), so
 * tests can prove that the simulator answers — and our Avito client asks — in the official wire format.
 *
 * ```ts
 * const r = validateAvitoResponse('GET', '/messenger/v2/accounts/{user_id}/chats', 200, body);
 * expect(r.errors).toEqual([]);
 * ```
 *
 * Paths may be templates (`/…/{user_id}/chats`) or concrete (`/…/3098765432/chats`, as in a CallLog).
 * The documents are read unchanged; their known defects (SOURCE.md) are worked around here:
 * - authorization.json spells POST /token three times (keys padded with U+200E): merged with `anyOf`;
 * - messenger.json's sendMessage body requires `url` (copy-paste bug): replaced by `type` + `message.text`;
 * - the webhook payload is documented as the "201" of postWebhookV3: moved to `validateAvitoWebhook`;
 * - ids typed int32 although real ones exceed 2^31: `int32` on id-like properties is read as int64.
 * OpenAPI 3.0 → JSON Schema: `nullable` becomes a `null` type, `$ref` points into the registered document,
 * `example`/`description`/`x-*` are dropped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** The four catalogue sections we load. */
export type AvitoDoc = 'messenger' | 'authorization' | 'items' | 'user';

/** Outcome of a check: `errors` reads like "response.chats[0].id: must be string". */
export interface AvitoValidation {
  ok: boolean;
  errors: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonObject;
}

interface Operation {
  doc: AvitoDoc;
  operationId: string;
  method: string;
  template: string;
  regex: RegExp;
  literalSegments: number;
  parameters: Parameter[];
  /** Request body schema per content type. */
  requestBodies: Record<string, JsonObject>;
  /** Response schema per status ("200", "default"); null = documented without a body. */
  responses: Record<string, JsonObject | null>;
}

const DOCS: readonly AvitoDoc[] = ['messenger', 'authorization', 'items', 'user'];
const here = dirname(fileURLToPath(import.meta.url));
const CANDIDATE_DIRS = [
  process.env.AVITO_OPENAPI_DIR,
  join(here, '..', '..', 'docs', 'api', 'avito-openapi'),
].filter((d): d is string => typeof d === 'string' && d !== '');

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the four documents live: `AVITO_OPENAPI_DIR`, else the copy in `docs/api/avito-openapi`. */
export function avitoOpenApiDir(): string {
  const dir = CANDIDATE_DIRS.find((d) => existsSync(join(d, 'messenger.json')));
  if (!dir) {
    throw new Error(
      `Avito OpenAPI documents not found in ${CANDIDATE_DIRS.join(', ')}; set AVITO_OPENAPI_DIR`,
    );
  }
  return dir;
}

const ID_KEY = /(^id$|_id$|Id$)/;

/** One OpenAPI 3.0 schema → JSON Schema (draft-07 semantics that Ajv's default build understands). */
function toJsonSchema(node: Json | undefined, doc: AvitoDoc, key?: string): JsonObject {
  if (!isObject(node)) return {};
  if (typeof node.$ref === 'string') {
    return { $ref: node.$ref.startsWith('#') ? `avito-${doc}${node.$ref}` : node.$ref };
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (
      k === 'example' ||
      k === 'examples' ||
      k === 'description' ||
      k === 'nullable' ||
      k.startsWith('x-')
    ) {
      continue;
    }
    if (k === 'properties' && isObject(v)) {
      out.properties = Object.fromEntries(
        Object.entries(v).map(([name, s]) => [name, toJsonSchema(s, doc, name)]),
      );
    } else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && isObject(v)) {
      out[k] = toJsonSchema(v, doc);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map((s) => toJsonSchema(s, doc));
    } else {
      out[k] = v;
    }
  }
  // Real user/item ids exceed 2^31 although the spec says int32.
  if (out.format === 'int32' && key !== undefined && ID_KEY.test(key)) out.format = 'int64';
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

function templateRegex(template: string): { regex: RegExp; literalSegments: number } {
  const parts = template.split('/');
  const pattern = parts
    .map((p) => (/^\{[^}]+\}$/.test(p) ? '([^/]+)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    regex: new RegExp(`^${pattern}$`),
    literalSegments: parts.filter((p) => !p.startsWith('{')).length,
  };
}

function fixDefects(doc: AvitoDoc, raw: JsonObject): { raw: JsonObject; webhook?: JsonObject } {
  const copy = structuredClone(raw);
  let webhook: JsonObject | undefined;
  if (doc === 'messenger') {
    const schemas =
      isObject(copy.components) && isObject(copy.components.schemas) ? copy.components.schemas : {};
    const send = schemas.sendMessageRequestBody;
    if (isObject(send) && Array.isArray(send.required) && send.required.includes('url')) {
      send.required = ['message', 'type'];
      const props = send.properties;
      if (isObject(props) && isObject(props.message)) props.message.required = ['text'];
    }
    const paths = isObject(copy.paths) ? copy.paths : {};
    const hook = paths['/messenger/v3/webhook'];
    if (isObject(hook) && isObject(hook.post) && isObject(hook.post.responses)) {
      const created = hook.post.responses['201'];
      if (isObject(created) && isObject(created.content) && isObject(created.content['application/json'])) {
        const schema = created.content['application/json'].schema;
        if (isObject(schema)) webhook = schema;
      }
      delete hook.post.responses['201'];
    }
  }
  return { raw: copy, webhook };
}

class AvitoOpenApi {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly cache = new Map<JsonObject, ValidateFunction>();
  private readonly webhookSchema: JsonObject;
  private readonly refs = new Map<string, JsonObject>();

  constructor(dir: string) {
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    // ajv-formats is CommonJS: typed with its function on `.default`; at run time it may be the module itself.
    const addFormats = addFormatsModule.default ?? addFormatsModule;
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    let webhook: JsonObject | undefined;
    for (const doc of DOCS) {
      const parsed = JSON.parse(readFileSync(join(dir, `${doc}.json`), 'utf8')) as JsonObject;
      const fixed = fixDefects(doc, parsed);
      webhook ??= fixed.webhook;
      this.register(doc, fixed.raw);
    }
    if (!webhook) throw new Error('messenger.json: webhook payload (postWebhookV3 "201") not found');
    this.webhookSchema = toJsonSchema(webhook, 'messenger');
  }

  private register(doc: AvitoDoc, raw: JsonObject): void {
    const components = isObject(raw.components) ? raw.components : {};
    const schemas = isObject(components.schemas) ? components.schemas : {};
    const converted = Object.fromEntries(
      Object.entries(schemas).map(([name, s]) => [name, toJsonSchema(s, doc)]),
    );
    this.ajv.addSchema({ $id: `avito-${doc}`, components: { schemas: converted } });
    const params = isObject(components.parameters) ? components.parameters : {};
    const resolveParam = (p: Json): Parameter | undefined => {
      let node = p;
      if (isObject(node) && typeof node.$ref === 'string')
        node = params[node.$ref.split('/').pop() ?? ''] ?? null;
      if (!isObject(node) || typeof node.name !== 'string' || typeof node.in !== 'string') return undefined;
      return {
        name: node.name,
        in: node.in,
        required: node.required === true,
        schema: toJsonSchema(node.schema, doc, node.name),
      };
    };
    const byKey = new Map<string, Operation>();
    for (const [rawPath, item] of Object.entries(isObject(raw.paths) ? raw.paths : {})) {
      if (!isObject(item)) continue;
      // authorization.json: "/token", "/token\u200e", "/token\u200e\u200e" are one endpoint.
      const template = rawPath.replace(/\u200e/g, '');
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const [method, op] of Object.entries(item)) {
        if (!isObject(op) || method === 'parameters' || !isObject(op.responses)) continue;
        const upper = method.toUpperCase();
        const requestBodies: Record<string, JsonObject> = {};
        if (isObject(op.requestBody) && isObject(op.requestBody.content)) {
          for (const [type, media] of Object.entries(op.requestBody.content)) {
            if (isObject(media)) requestBodies[type] = toJsonSchema(media.schema, doc);
          }
        }
        const responses: Record<string, JsonObject | null> = {};
        for (const [status, response] of Object.entries(op.responses)) {
          const media =
            isObject(response) && isObject(response.content) ? response.content['application/json'] : null;
          responses[status] =
            isObject(media) && isObject(media.schema) ? toJsonSchema(media.schema, doc) : null;
        }
        const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
          .map(resolveParam)
          .filter((p): p is Parameter => p !== undefined);
        const key = `${upper} ${template}`;
        const existing = byKey.get(key);
        if (existing) {
          existing.operationId += `|${String(op.operationId)}`;
          for (const [type, schema] of Object.entries(requestBodies)) {
            const prev = existing.requestBodies[type];
            existing.requestBodies[type] = prev ? { anyOf: [prev, schema] } : schema;
          }
          for (const [status, schema] of Object.entries(responses)) {
            const prev = existing.responses[status];
            existing.responses[status] = prev && schema ? { anyOf: [prev, schema] } : (prev ?? schema);
          }
          continue;
        }
        const operation: Operation = {
          doc,
          operationId: String(op.operationId),
          method: upper,
          template,
          ...templateRegex(template),
          parameters,
          requestBodies,
          responses,
        };
        byKey.set(key, operation);
        this.operations.push(operation);
      }
    }
  }

  find(method: string, path: string): { op: Operation; pathParams: Record<string, string> } | undefined {
    const upper = method.toUpperCase();
    const clean = (path.split('?')[0] ?? '').replace(/^\/token\/$/, '/token');
    const exact = this.operations.find((o) => o.method === upper && o.template === clean);
    if (exact) return { op: exact, pathParams: {} };
    const matches = this.operations
      .filter((o) => o.method === upper && o.regex.test(clean))
      .sort((a, b) => b.literalSegments - a.literalSegments);
    const op = matches[0];
    if (!op) return undefined;
    const values = op.regex.exec(clean)?.slice(1) ?? [];
    const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
    return {
      op,
      pathParams: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')])),
    };
  }

  check(schema: JsonObject, value: unknown, where: string): string[] {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.cache.set(schema, validate);
    }
    if (validate(value)) return [];
    const messages = (validate.errors ?? []).map((e: ErrorObject) => {
      const at = e.instancePath
        .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
        .replace(/^\//, '')
        .replace(/\//g, '.');
      const params =
        e.keyword === 'additionalProperties' || e.keyword === 'enum' ? ` ${JSON.stringify(e.params)}` : '';
      return `${where}${at && !at.startsWith('[') ? '.' : ''}${at}: ${e.message ?? e.keyword}${params}`;
    });
    return [...new Set(messages)];
  }

  webhook(): JsonObject {
    return this.webhookSchema;
  }

  schema(doc: AvitoDoc, name: string): JsonObject {
    const key = `avito-${doc}#/components/schemas/${name}`;
    let ref = this.refs.get(key);
    if (!ref) {
      ref = { $ref: key };
      this.refs.set(key, ref);
    }
    return ref;
  }
}

let loaded: AvitoOpenApi | undefined;
function api(): AvitoOpenApi {
  loaded ??= new AvitoOpenApi(avitoOpenApiDir());
  return loaded;
}

function result(errors: string[]): AvitoValidation {
  return { ok: errors.length === 0, errors };
}

/** Coerces a query/path string to the parameter's schema type (arrays: comma-separated or repeated). */
function coerce(schema: JsonObject, values: string[]): unknown {
  const type = schema.type;
  if (type === 'array') {
    const items = isObject(schema.items) ? schema.items : {};
    return values.flatMap((v) => v.split(',')).map((v) => coerce(items, [v]));
  }
  const value = values.join(',');
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The documented operation for a method and a path (template or concrete), if any. */
export function findAvitoOperation(
  method: string,
  path: string,
): { doc: AvitoDoc; operationId: string; template: string } | undefined {
  const found = api().find(method, path);
  return found && { doc: found.op.doc, operationId: found.op.operationId, template: found.op.template };
}

/**
 * Checks a response body for `status` against the documented schema (falling back to `default`). A status
 * the operation does not document, or an unknown route, is an error.
 */
export function validateAvitoResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
): AvitoValidation {
  const found = api().find(method, path);
  if (!found) return result([`${method.toUpperCase()} ${path}: not in Avito's OpenAPI documents`]);
  const { op } = found;
  const key =
    String(status) in op.responses ? String(status) : 'default' in op.responses ? 'default' : undefined;
  if (key === undefined) {
    return result([`${op.method} ${op.template}: status ${status} is not documented (${op.operationId})`]);
  }
  const schema = op.responses[key];
  return result(schema ? api().check(schema, body, 'response') : []);
}

/**
 * Checks a request: the body against the documented request schema (JSON, or a form given as an object,
 * string or URLSearchParams), and, when given, query and path parameters (coerced from strings; unknown
 * query keys are reported, which catches typos like `perPage`).
 */
export function validateAvitoRequest(
  method: string,
  path: string,
  body?: unknown,
  opts: { query?: Record<string, string> | URLSearchParams; contentType?: string } = {},
): AvitoValidation {
  const found = api().find(method, path);
  if (!found) return result([`${method.toUpperCase()} ${path}: not in Avito's OpenAPI documents`]);
  const { op, pathParams } = found;
  const errors: string[] = [];
  const types = Object.keys(op.requestBodies);
  if (types.length > 0) {
    const type = opts.contentType?.split(';')[0]?.trim() ?? types[0] ?? '';
    const schema = op.requestBodies[type];
    if (!schema) {
      errors.push(`request: content type ${type} not documented (${types.join(', ')})`);
    } else {
      let value = body;
      if (type === 'application/x-www-form-urlencoded') {
        if (typeof value === 'string') value = new URLSearchParams(value);
        if (value instanceof URLSearchParams) value = Object.fromEntries(value);
      }
      errors.push(...api().check(schema, value, 'request'));
    }
  }
  for (const param of op.parameters.filter((p) => p.in === 'path')) {
    const raw = pathParams[param.name];
    if (raw !== undefined)
      errors.push(...api().check(param.schema, coerce(param.schema, [raw]), `path.${param.name}`));
  }
  if (opts.query !== undefined) {
    const query = opts.query instanceof URLSearchParams ? opts.query : new URLSearchParams(opts.query);
    const documented = op.parameters.filter((p) => p.in === 'query');
    for (const param of documented) {
      const values = query.getAll(param.name);
      if (values.length === 0) {
        if (param.required) errors.push(`query.${param.name}: required`);
        continue;
      }
      errors.push(...api().check(param.schema, coerce(param.schema, values), `query.${param.name}`));
    }
    for (const key of new Set(query.keys())) {
      if (!documented.some((p) => p.name === key)) errors.push(`query.${key}: not a documented parameter`);
    }
  }
  return result(errors);
}

/** Checks a webhook delivery body against the envelope documented as postWebhookV3's "201". */
export function validateAvitoWebhook(body: unknown): AvitoValidation {
  return result(api().check(api().webhook(), body, 'webhook'));
}

/** Checks a value against a named component schema, e.g. `('messenger', 'validatingError', body)`. */
export function validateAvitoSchema(doc: AvitoDoc, name: string, value: unknown): AvitoValidation {
  return result(api().check(api().schema(doc, name), value, name));
}
