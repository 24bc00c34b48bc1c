import { z } from 'zod';
import { decimalToKopecks } from './money.js';

/** `{value: "1500.00", currency}` → kopecks (RUB only here: the product sells in rubles). */
export const amountSchema = z.object({ value: z.string(), currency: z.string() }).transform((a, ctx) => {
  const kopecks = decimalToKopecks(a.value);
  if (kopecks === undefined) {
    ctx.addIssue({ code: 'custom', message: `amount ${a.value} is not a decimal with up to 2 places` });
    return z.NEVER;
  }
  return { kopecks, currency: a.currency };
});

export const PAYMENT_STATUSES = ['pending', 'waiting_for_capture', 'succeeded', 'canceled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A payment as YooKassa returns it (the fields we read) [C: docs + SDK models]. */
export const paymentSchema = z.object({
  id: z.string().min(1),
  status: z.enum(PAYMENT_STATUSES),
  paid: z.boolean(),
  amount: amountSchema,
  income_amount: amountSchema.optional(),
  refunded_amount: amountSchema.optional(),
  description: z.string().optional(),
  created_at: z.string(),
  captured_at: z.string().optional(),
  expires_at: z.string().optional(),
  confirmation: z
    .object({
      type: z.string(),
      confirmation_url: z.string().optional(),
      confirmation_token: z.string().optional(),
    })
    .optional(),
  test: z.boolean(),
  refundable: z.boolean(),
  receipt_registration: z.enum(['pending', 'succeeded', 'canceled']).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  cancellation_details: z.object({ party: z.string(), reason: z.string() }).optional(),
  payment_method: z
    .object({ type: z.string(), id: z.string().optional(), title: z.string().optional() })
    .optional(),
});

export const REFUND_STATUSES = ['pending', 'succeeded', 'canceled'] as const;

export const refundSchema = z.object({
  id: z.string().min(1),
  payment_id: z.string().min(1),
  status: z.enum(REFUND_STATUSES),
  amount: amountSchema,
  created_at: z.string(),
  description: z.string().optional(),
  cancellation_details: z.object({ party: z.string(), reason: z.string() }).optional(),
});

/** 202 "still processing, repeat later" [C: SDK BaseClient reads `retry_after` ms]. */
export const processingSchema = z.object({ retry_after: z.number().nonnegative().optional() });
