/**
 * The smallest value a JSON schema accepts: what a model in JSON mode with a schema answers when it finds
 * nothing to put in it. The simulators' models read passages, not meaning, so this is their answer to a
 * structured request: the right shape, no content. Covers the subset the APIs take for structured output
 * (Gemini's `responseJsonSchema` and OpenAPI-style `responseSchema` with upper-case types, OpenAI's
 * `json_schema`): object with `required`, array with `minItems`, string with `enum`, numbers with
 * `minimum`, boolean, null, `anyOf`/`oneOf`, `nullable`, a type list.
 */
export function minimalInstance(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return {};
  const s = schema as Record<string, unknown>;
  if (s.nullable === true) return null;
  const alternatives = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null) as
    unknown[] | null;
  if (alternatives && alternatives.length > 0) return minimalInstance(alternatives[0]);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const types = (Array.isArray(s.type) ? s.type : [s.type]).map((t) => String(t).toLowerCase());
  if (types.includes('null')) return null;
  switch (types[0]) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      return Object.fromEntries(required.map((key) => [key, minimalInstance(properties[key])]));
    }
    case 'array': {
      const count = typeof s.minItems === 'number' ? s.minItems : Number(s.minItems ?? 0);
      return Array.from({ length: count }, () => minimalInstance(s.items));
    }
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    default:
      return {};
  }
}
