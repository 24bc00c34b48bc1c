import { z } from 'zod';
import { type AnthropicError, invalidRequest } from './errors.js';

const TextBlock = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: z.strictObject({ type: z.literal('ephemeral') }).optional(),
});

const MessageParam = z.strictObject({
  role: z.string(),
  content: z.union([z.string(), z.array(TextBlock).min(1)]),
});

/** POST /v1/messages, the parameters the simulator knows (text only); anything else is refused. */
export const MessagesSchema = z.strictObject({
  model: z.string(),
  max_tokens: z.number().int().min(1),
  messages: z.array(MessageParam),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.strictObject({ user_id: z.string().nullish() }).optional(),
  stream: z.literal(false).optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
});
export type MessagesBody = z.infer<typeof MessagesSchema>;

/** The API's pydantic-style wording: `max_tokens: Field required`, `messages.0.role: …`. */
function wording(issue: z.core.$ZodIssue, at: unknown): string {
  if (issue.code === 'unrecognized_keys') return 'Extra inputs are not permitted';
  if (at === undefined) return 'Field required';
  if (issue.code === 'too_big') {
    return `Input should be less than or equal to ${String((issue as { maximum?: unknown }).maximum)}`;
  }
  if (issue.code === 'too_small') {
    return `Input should be greater than or equal to ${String((issue as { minimum?: unknown }).minimum)}`;
  }
  if (issue.code === 'invalid_value')
    return `Input should be ${issue.values.map((v) => `'${String(v)}'`).join(' or ')}`;
  return issue.message;
}

/** Parses a body or throws the API's 400 `invalid_request_error` naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('Input should be a valid dictionary or object to extract fields from');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path =
    issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : (issue.path as PropertyKey[]);
  let at: unknown = body;
  for (const key of issue.path) at = (at as Record<PropertyKey, unknown> | undefined)?.[key];
  return throwIssue(`${path.map(String).join('.')}: ${wording(issue, at)}`);
}

function throwIssue(message: string): never {
  const error: AnthropicError = invalidRequest(message);
  throw error;
}
