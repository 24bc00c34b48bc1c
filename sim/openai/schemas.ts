import { z } from 'zod';
import { invalidRequest, type OpenAIError } from './errors.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });

/** One chat message as Chat Completions takes it (text content only: the simulator has no vision). */
const MessageSchema = z
  .looseObject({
    role: z.string(),
    content: z.union([z.string(), z.array(TextPart).min(1), z.null()]).optional(),
    name: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (!(ROLES as readonly string[]).includes(m.role)) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: `Invalid value: '${m.role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        params: { code: 'invalid_value' },
      });
    }
    if (m.role !== 'assistant' && (m.content === undefined || m.content === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: 'Missing required parameter',
        params: { code: 'missing_required_parameter' },
      });
    }
  });

/** POST /v1/chat/completions, the parameters the simulator knows; anything else is refused. */
export const ChatCompletionSchema = z.strictObject({
  model: z.string(),
  messages: z.array(MessageSchema),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  n: z.number().int().min(1).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.literal(false).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({ type: z.literal('json_object') }),
      z.strictObject({
        type: z.literal('json_schema'),
        json_schema: z.strictObject({
          name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .optional(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionSchema>;

/** POST /v1/embeddings. */
export const EmbeddingsSchema = z.strictObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().optional(),
});
export type EmbeddingsBody = z.infer<typeof EmbeddingsSchema>;

/** `messages[0].role` as OpenAI names a parameter. */
function paramOf(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Parses a body or throws a 400 worded like OpenAI's: `Missing required parameter: 'model'.`,
 * `Unrecognized request argument supplied: foo`, `Invalid 'temperature': …`.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw issueError(result.error.issues[0]!, body as Record<string, unknown>);
}

function issueError(issue: z.core.$ZodIssue, body: Record<string, unknown>): OpenAIError {
  if (issue.code === 'unrecognized_keys') {
    return invalidRequest(`Unrecognized request argument supplied: ${issue.keys.join(', ')}`);
  }
  const param = paramOf(issue.path);
  let at: unknown = body;
  for (const key of issue.path) at = (at as Record<PropertyKey, unknown> | undefined)?.[key];
  if (at === undefined) {
    return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: string } | undefined)?.code ?? 'invalid_value';
    return invalidRequest(issue.message, param, code);
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const above = issue.code === 'too_big';
    const bound = (issue as { maximum?: unknown; minimum?: unknown })[above ? 'maximum' : 'minimum'];
    return invalidRequest(
      `Invalid '${param}': ${above ? 'value above maximum' : 'value below minimum'}. Expected a value ${above ? '<=' : '>='} ${String(bound)}, but got ${JSON.stringify(at)} instead.`,
      param,
      above ? 'decimal_above_max_value' : 'decimal_below_min_value',
    );
  }
  return invalidRequest(
    `Invalid type for '${param}': ${issue.message}. Got ${JSON.stringify(at)?.slice(0, 60)} instead.`,
    param,
    'invalid_type',
  );
}
