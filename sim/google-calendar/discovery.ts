import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Google's discovery document for Calendar v3 (docs/api/google-calendar/calendar-api.json, unchanged):
 * the simulator takes each method's path, query parameters (type, format, enum, bounds, repeated) and
 * accepted scopes from it, so what it accepts is what the document describes.
 */

const ParameterSchema = z.object({
  type: z.enum(['string', 'integer', 'boolean', 'number']),
  location: z.enum(['query', 'path']),
  required: z.boolean().optional(),
  repeated: z.boolean().optional(),
  format: z.string().optional(),
  enum: z.array(z.string()).optional(),
  minimum: z.string().optional(),
  maximum: z.string().optional(),
  default: z.string().optional(),
});

const MethodSchema = z.object({
  id: z.string(),
  path: z.string(),
  httpMethod: z.string(),
  parameters: z.record(z.string(), ParameterSchema).optional(),
  parameterOrder: z.array(z.string()).optional(),
  scopes: z.array(z.string()),
});

const DiscoverySchema = z.object({
  rootUrl: z.string(),
  servicePath: z.string(),
  revision: z.string(),
  parameters: z.record(z.string(), ParameterSchema),
  auth: z.object({ oauth2: z.object({ scopes: z.record(z.string(), z.unknown()) }) }),
  schemas: z.record(
    z.string(),
    z.object({ properties: z.record(z.string(), z.unknown()).optional() }).passthrough(),
  ),
  resources: z.record(
    z.string(),
    z.object({ methods: z.record(z.string(), MethodSchema).optional() }).passthrough(),
  ),
});

export type DiscoveryParameter = z.infer<typeof ParameterSchema>;
export type DiscoveryMethod = z.infer<typeof MethodSchema>;

/** The parts of the discovery document the simulator serves. */
export interface CalendarDiscovery {
  revision: string;
  /** `calendar/v3/`. */
  servicePath: string;
  /** Every OAuth scope the API defines (the token endpoint refuses others). */
  scopes: Set<string>;
  /** Standard query parameters every method accepts (`fields`, `prettyPrint`, `quotaUser`, …). */
  common: Record<string, DiscoveryParameter>;
  /** By method id, e.g. `calendar.events.insert`. */
  methods: Map<string, DiscoveryMethod>;
  /** Property names of the `Event` and `EventDateTime` schemas (bodies may use no others). */
  eventFields: Set<string>;
  eventDateTimeFields: Set<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const DOCUMENT = join(here, '..', '..', 'docs', 'api', 'google-calendar', 'calendar-api.json');

let cached: CalendarDiscovery | undefined;

/** Loads and checks the discovery document once per process. */
export function calendarDiscovery(path = DOCUMENT): CalendarDiscovery {
  if (cached && path === DOCUMENT) return cached;
  const doc = DiscoverySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const methods = new Map<string, DiscoveryMethod>();
  for (const resource of Object.values(doc.resources)) {
    for (const method of Object.values(resource.methods ?? {})) methods.set(method.id, method);
  }
  const result: CalendarDiscovery = {
    revision: doc.revision,
    servicePath: doc.servicePath,
    scopes: new Set(Object.keys(doc.auth.oauth2.scopes)),
    common: doc.parameters,
    methods,
    eventFields: new Set(Object.keys(doc.schemas.Event?.properties ?? {})),
    eventDateTimeFields: new Set(Object.keys(doc.schemas.EventDateTime?.properties ?? {})),
  };
  if (path === DOCUMENT) cached = result;
  return result;
}

/** A method by id; throws when the document lacks it (a simulator bug, not a client error). */
export function discoveryMethod(discovery: CalendarDiscovery, id: string): DiscoveryMethod {
  const method = discovery.methods.get(id);
  if (!method) throw new Error(`discovery document has no method ${id}`);
  return method;
}

/** One problem with a query parameter, in Google's words where known. */
export interface ParameterProblem {
  name: string;
  message: string;
  /** `required` for a missing one, `invalidParameter` for a bad value. */
  reason: 'required' | 'invalidParameter';
}

/** Parsed query values: strings, numbers, booleans, or lists for repeated parameters. */
export type QueryValues = Record<string, string | number | boolean | string[]>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Checks a request's query against the method's parameters plus the standard ones. Unknown query
 * parameters are refused, as Google's frontends do for names a method does not define [U: from memory].
 */
export function checkQuery(
  discovery: CalendarDiscovery,
  method: DiscoveryMethod,
  query: URLSearchParams,
): { values: QueryValues; problems: ParameterProblem[] } {
  const defined: Record<string, DiscoveryParameter> = { ...discovery.common, ...method.parameters };
  const values: QueryValues = {};
  const problems: ParameterProblem[] = [];
  for (const name of new Set(query.keys())) {
    const param = defined[name];
    if (!param || param.location !== 'query') {
      problems.push({ name, reason: 'invalidParameter', message: `Invalid parameter: ${name}` });
      continue;
    }
    const raw = query.getAll(name);
    if (raw.length > 1 && !param.repeated) {
      problems.push({
        name,
        reason: 'invalidParameter',
        message: `Parameter ${name} can only have one value`,
      });
      continue;
    }
    const parsed: Array<string | number | boolean> = [];
    for (const value of raw) {
      const result = parseValue(name, param, value);
      if (typeof result === 'object') problems.push(result);
      else parsed.push(result);
    }
    if (parsed.length === raw.length) {
      values[name] = param.repeated ? parsed.map(String) : (parsed[0] as string | number | boolean);
    }
  }
  for (const [name, param] of Object.entries(method.parameters ?? {})) {
    if (param.location === 'query' && param.required && values[name] === undefined) {
      problems.push({ name, reason: 'required', message: `Required parameter: ${name}` });
    }
  }
  return { values, problems };
}

function parseValue(
  name: string,
  param: DiscoveryParameter,
  value: string,
): string | number | boolean | ParameterProblem {
  const bad = (why: string): ParameterProblem => ({
    name,
    reason: 'invalidParameter',
    message: `Invalid value '${value}' for ${name}: ${why}`,
  });
  if (param.type === 'boolean') {
    if (value !== 'true' && value !== 'false') return bad('expected true or false');
    return value === 'true';
  }
  if (param.type === 'integer') {
    if (!/^-?\d+$/.test(value)) return bad('expected an integer');
    const n = Number(value);
    if (param.format === 'int32' && (n < -(2 ** 31) || n >= 2 ** 31)) return bad('out of int32 range');
    if (param.minimum !== undefined && n < Number(param.minimum)) return bad(`minimum is ${param.minimum}`);
    if (param.maximum !== undefined && n > Number(param.maximum)) return bad(`maximum is ${param.maximum}`);
    return n;
  }
  if (param.enum && !param.enum.includes(value)) return bad(`expected one of ${param.enum.join(', ')}`);
  if (param.format === 'date-time' && !RFC3339.test(value)) {
    return bad('expected an RFC 3339 date-time with a time zone offset');
  }
  return value;
}
