import { z } from 'zod';

/**
 * Why a draft did not (fully) reach the buyer, as a typed code with its data. It is kept in `draft.error`
 * as JSON, so the owner's card can word it in the owner's language (the bot's texts) while the store keeps
 * a plain string field.
 */
export type DeliveryProblem =
  /** The channel refused or could not take the message; `reason` is the technical cause (log and card). */
  | { code: 'send-failed'; reason: string }
  /** A long answer was split and only the first `sent` of `total` parts went out. */
  | { code: 'partly-sent'; sent: number; total: number; reason: string | null }
  /** The send's outcome stayed unknown and the chat did not show it after the retries. */
  | { code: 'unconfirmed'; reason: string | null };

const DeliveryProblemSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('send-failed'), reason: z.string() }),
  z.object({
    code: z.literal('partly-sent'),
    sent: z.number().int().min(0),
    total: z.number().int().min(1),
    reason: z.string().nullable(),
  }),
  z.object({ code: z.literal('unconfirmed'), reason: z.string().nullable() }),
]);

/** The value stored in `draft.error`. */
export function encodeDeliveryProblem(problem: DeliveryProblem): string {
  return JSON.stringify(problem);
}

/**
 * Reads `draft.error` back; a plain string (a draft stored before errors were typed) is a `send-failed`
 * with that string as its reason.
 */
export function decodeDeliveryProblem(error: string | null): DeliveryProblem | null {
  if (error === null) return null;
  try {
    const parsed = DeliveryProblemSchema.safeParse(JSON.parse(error));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: an untyped reason.
  }
  return { code: 'send-failed', reason: error };
}

/** The technical cause inside a stored problem, for carrying it into the next one. */
export function reasonOf(error: string | null): string | null {
  const problem = decodeDeliveryProblem(error);
  return problem?.reason ?? null;
}
