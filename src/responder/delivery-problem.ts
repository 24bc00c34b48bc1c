import { z } from 'zod';
import type { DeliveryProblem } from '../models/problems.js';

export type { DeliveryProblem } from '../models/problems.js';

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
