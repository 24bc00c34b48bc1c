import { z } from 'zod';

/**
 * Shapes of what Avito sends us (API responses we depend on and the webhook), from the official OpenAPI
 * documents and ../shared/api/avito.md. Only fields we use are required; unknown fields pass through.
 * Numeric ids exceed int32 and arrive as JSON numbers (or strings from some proxies): kept as strings.
 */

export const numericId = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,19}$/)])
  .transform((v) => String(v));

const unixSeconds = z.number().int().nonnegative();

/** Avito's string ids (`u2i-…`, hex message ids): printable ASCII, the same rule the store applies to ids. */
const stringId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, { error: 'expected an id of printable characters without spaces' });

export const messageContentSchema = z.looseObject({
  text: z.string().optional(),
  flow_id: z.string().optional(),
});

export const messageSchema = z.looseObject({
  id: z.string().min(1),
  author_id: numericId,
  created: unixSeconds,
  direction: z.enum(['in', 'out']),
  type: z.string(),
  content: messageContentSchema.nullish().transform((c) => c ?? {}),
  is_read: z.boolean().optional(),
  read: z.number().nullish(),
});
export type AvitoMessage = z.infer<typeof messageSchema>;

/** Spec: a bare array; some clients read `{messages: [...]}`. Both are accepted. */
export const messagesResponseSchema = z
  .union([z.array(messageSchema), z.looseObject({ messages: z.array(messageSchema) })])
  .transform((v) => (Array.isArray(v) ? v : v.messages));

export const chatSchema = z.looseObject({
  id: z.string().min(1),
  created: unixSeconds.optional(),
  updated: unixSeconds.optional(),
  context: z
    .looseObject({
      type: z.string().optional(),
      value: z
        .looseObject({
          id: numericId.optional(),
          title: z.string().optional(),
          price_string: z.string().optional(),
          url: z.string().optional(),
          status_id: z.number().optional(),
          user_id: numericId.optional(),
        })
        .optional(),
    })
    .nullish(),
  users: z
    .array(z.looseObject({ id: numericId, name: z.string().optional() }))
    .optional()
    .default([]),
  last_message: z.looseObject({ id: z.string().optional() }).nullish(),
});
export type AvitoChat = z.infer<typeof chatSchema>;

export const chatsResponseSchema = z.looseObject({ chats: z.array(chatSchema) });

export const sendResponseSchema = z.looseObject({
  id: z.string().min(1),
  created: unixSeconds.optional(),
  direction: z.string().optional(),
  type: z.string().optional(),
  content: messageContentSchema.optional(),
});
export type AvitoSent = z.infer<typeof sendResponseSchema>;

export const okResponseSchema = z.looseObject({ ok: z.boolean().optional() });

export const subscriptionsResponseSchema = z.looseObject({
  subscriptions: z.array(z.looseObject({ url: z.string(), version: z.string().optional() })).default([]),
});

export const selfResponseSchema = z.looseObject({
  id: numericId,
  name: z.string().optional(),
  profile_url: z.string().optional(),
});

export const itemSchema = z.looseObject({
  id: numericId,
  title: z.string(),
  price: z.number().nullish(),
  status: z.string().optional(),
  url: z.string().optional(),
  address: z.string().optional(),
  category: z.looseObject({ id: z.number().optional(), name: z.string().optional() }).optional(),
});
export type AvitoItem = z.infer<typeof itemSchema>;

export const itemsResponseSchema = z.looseObject({
  meta: z.looseObject({ page: z.number().optional(), per_page: z.number().optional() }).optional(),
  resources: z.array(itemSchema),
});

export const itemInfoResponseSchema = z.looseObject({
  status: z.string().optional(),
  url: z.string().optional(),
});

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

/** The message inside a webhook delivery. Unknown message types are kept, not rejected. */
export const webhookMessageSchema = z.looseObject({
  id: stringId,
  chat_id: stringId,
  user_id: numericId,
  author_id: numericId,
  created: unixSeconds,
  published_at: z.string().optional(),
  type: z.string().min(1).max(50),
  chat_type: z.string().optional(),
  item_id: numericId.nullish(),
  read: z.number().nullish(),
  content: messageContentSchema.nullish().transform((c) => c ?? {}),
});
export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

/**
 * The delivery envelope. `payload.type` other than "message" is undocumented: the envelope is still
 * accepted (and stored); a "message" payload must also carry a valid message ({@link parseWebhookDelivery}).
 */
export const webhookEnvelopeSchema = z.looseObject({
  id: stringId.optional(),
  version: z.string().max(50).optional(),
  timestamp: z.number().optional(),
  payload: z.looseObject({ type: z.string().min(1).max(100), value: z.unknown() }),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** A delivery that passed validation: its envelope, and its message when it carries one. */
export interface WebhookDelivery {
  envelope: WebhookEnvelope;
  message: WebhookMessage | null;
}

/** What is wrong with a delivery: where (from the body's root) and zod's message. */
export interface DeliveryIssue {
  path: PropertyKey[];
  message: string;
}

export type WebhookDeliveryResult =
  { success: true; data: WebhookDelivery } | { success: false; issues: readonly DeliveryIssue[] };

/**
 * Validates a webhook body: the envelope, then a "message" payload's message. Two plain parses rather than
 * one schema with a refinement: every delivery goes through here, and this is the cheaper shape for zod.
 * Issue paths start at the body (`payload.value.chat_id`).
 */
export function parseWebhookDelivery(body: unknown): WebhookDeliveryResult {
  const envelope = webhookEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { success: false, issues: envelope.error.issues };
  if (envelope.data.payload.type !== 'message') {
    return { success: true, data: { envelope: envelope.data, message: null } };
  }
  const message = webhookMessageSchema.safeParse(envelope.data.payload.value);
  if (!message.success) {
    const issues = message.error.issues.map((issue) => ({
      path: ['payload', 'value', ...issue.path],
      message: issue.message,
    }));
    return { success: false, issues };
  }
  return { success: true, data: { envelope: envelope.data, message: message.data } };
}
