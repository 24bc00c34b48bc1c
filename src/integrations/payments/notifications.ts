import { z } from 'zod';

/** Events this product acts on [C: NotificationEventType]; others are acknowledged and ignored. */
export const KNOWN_EVENTS = [
  'payment.waiting_for_capture',
  'payment.succeeded',
  'payment.canceled',
  'refund.succeeded',
] as const;
export type KnownEvent = (typeof KNOWN_EVENTS)[number];

const notificationSchema = z.object({
  type: z.literal('notification'),
  event: z.string().regex(/^[a-z_]+\.[a-z_]+$/, { error: 'event must look like payment.succeeded' }),
  object: z.object({
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'object.id must be a YooKassa id' }),
    status: z.string().optional(),
  }),
});

/** What a notification claims. Nothing in it is trusted: the object is fetched again by id. */
export type YooNotification =
  | {
      kind: 'payment' | 'refund';
      event: KnownEvent;
      objectId: string;
      claimedStatus: string | undefined;
      /** Duplicates and repeats are harmless by this key (`event:object.id`). */
      dedupeKey: string;
    }
  | { kind: 'other'; event: string; objectId: string };

export type NotificationParse = { ok: true; notification: YooNotification } | { ok: false; reason: string };

/** Parses YooKassa's `{type: "notification", event, object}` body [C: SDK WebhookNotification]. */
export function parseNotification(body: unknown): NotificationParse {
  const parsed = notificationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  const { event, object } = parsed.data;
  if (!(KNOWN_EVENTS as readonly string[]).includes(event))
    return { ok: true, notification: { kind: 'other', event, objectId: object.id } };
  const known = event as KnownEvent;
  return {
    ok: true,
    notification: {
      kind: known.startsWith('refund.') ? 'refund' : 'payment',
      event: known,
      objectId: object.id,
      claimedStatus: object.status,
      dedupeKey: `${known}:${object.id}`,
    },
  };
}
