import { z } from 'zod';
import { kopecksOf } from './state.js';

/**
 * Request bodies of YooKassa API v3, validated as strictly as NOTES.md allows. Limits marked [U] there are
 * kept here in one place so they are easy to change.
 */
export const LIMITS = {
  description: 128,
  metadataKeys: 16,
  metadataKey: 32,
  metadataValue: 512,
  receiptItems: 100,
  receiptItemDescription: 128,
  idempotenceKey: 64,
  returnUrl: 2048,
} as const;

/** Amount: a decimal with a dot and up to 2 places (string; numbers are accepted as SDKs send them), > 0. */
export const AmountInput = z.strictObject({
  value: z.union([z.string(), z.number()]).refine((v) => (kopecksOf(v) ?? 0) > 0, {
    error: 'Amount must be a positive decimal with up to 2 digits after the dot, e.g. "1500.00"',
  }),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'Currency must be an ISO 4217 code, e.g. RUB' }),
});

const PAYMENT_SUBJECTS = [
  'commodity',
  'excise',
  'job',
  'service',
  'gambling_bet',
  'gambling_prize',
  'lottery',
  'lottery_prize',
  'intellectual_activity',
  'payment',
  'agent_commission',
  'property_right',
  'non_operating_gain',
  'insurance_premium',
  'sales_tax',
  'resort_fee',
  'composite',
  'another',
] as const;

const PAYMENT_MODES = [
  'full_prepayment',
  'partial_prepayment',
  'advance',
  'full_payment',
  'partial_payment',
  'credit',
  'credit_payment',
] as const;

/** Up to 3 decimals of quantity [U]. */
const Quantity = z
  .union([z.string(), z.number()])
  .refine((q) => /^\d{1,9}(\.\d{1,3})?$/.test(String(q)) && Number(q) > 0, {
    error: 'Quantity must be a positive number with up to 3 decimals',
  });

export function receiptSchema(vatCodes: readonly number[]) {
  return z.strictObject({
    customer: z
      .strictObject({
        full_name: z.string().min(1).max(256).optional(),
        inn: z
          .string()
          .regex(/^(\d{10}|\d{12})$/, { error: 'INN must be 10 or 12 digits' })
          .optional(),
        email: z.email().optional(),
        phone: z
          .string()
          .regex(/^\d{11,15}$/, { error: 'Phone must be digits in E.164, e.g. 79001234567' })
          .optional(),
      })
      .refine((c) => c.email !== undefined || c.phone !== undefined, {
        error: 'Receipt customer needs email or phone',
      }),
    items: z
      .array(
        z.strictObject({
          description: z.string().min(1).max(LIMITS.receiptItemDescription),
          quantity: Quantity,
          amount: AmountInput,
          vat_code: z
            .number()
            .int()
            .refine((v) => vatCodes.includes(v), { error: `vat_code must be one of ${vatCodes.join(', ')}` }),
          payment_subject: z.enum(PAYMENT_SUBJECTS).optional(),
          payment_mode: z.enum(PAYMENT_MODES).optional(),
        }),
      )
      .min(1)
      .max(LIMITS.receiptItems),
    tax_system_code: z.number().int().min(1).max(6).optional(),
  });
}

export type ReceiptInput = z.infer<ReturnType<typeof receiptSchema>>;

/** Σ round(quantity × unit price) in kopecks. */
export function receiptTotal(receipt: ReceiptInput): number {
  return receipt.items.reduce((sum, item) => {
    const [whole, frac = ''] = String(item.quantity).split('.');
    const milli = Number(whole) * 1000 + Number(frac.padEnd(3, '0'));
    return sum + Math.round((milli * (kopecksOf(item.amount.value) ?? 0)) / 1000);
  }, 0);
}

const Metadata = z
  .record(
    z
      .string()
      .min(1)
      .max(LIMITS.metadataKey, { error: `Metadata keys are at most ${LIMITS.metadataKey} characters` }),
    z
      .string()
      .max(LIMITS.metadataValue, { error: `Metadata values are at most ${LIMITS.metadataValue} characters` }),
  )
  .refine((m) => Object.keys(m).length <= LIMITS.metadataKeys, {
    error: `Metadata has at most ${LIMITS.metadataKeys} keys`,
  });

const Confirmation = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('redirect'),
    return_url: z.url({ protocol: /^https?$/ }).max(LIMITS.returnUrl),
    enforce: z.boolean().optional(),
    locale: z.enum(['ru_RU', 'en_US']).optional(),
  }),
  z.strictObject({ type: z.literal('embedded'), locale: z.enum(['ru_RU', 'en_US']).optional() }),
]);

const PAYMENT_METHODS = [
  'bank_card',
  'sbp',
  'yoo_money',
  'sberbank',
  'tinkoff_bank',
  'mobile_balance',
  'cash',
  'b2b_sberbank',
] as const;

export function paymentSchema(vatCodes: readonly number[]) {
  return z.strictObject({
    amount: AmountInput,
    capture: z.boolean().optional(),
    confirmation: Confirmation.optional(),
    description: z
      .string()
      .max(LIMITS.description, { error: `Description is at most ${LIMITS.description} characters` })
      .optional(),
    metadata: Metadata.optional(),
    receipt: receiptSchema(vatCodes).optional(),
    payment_method_data: z.object({ type: z.enum(PAYMENT_METHODS) }).optional(),
    save_payment_method: z.boolean().optional(),
    payment_method_id: z.string().min(1).optional(),
    client_ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    merchant_customer_id: z.string().max(200).optional(),
  });
}

export function captureSchema(vatCodes: readonly number[]) {
  return z.strictObject({ amount: AmountInput.optional(), receipt: receiptSchema(vatCodes).optional() });
}

export function refundSchema(vatCodes: readonly number[]) {
  return z.strictObject({
    payment_id: z.string().min(36).max(36),
    amount: AmountInput,
    description: z.string().max(250).optional(),
    receipt: receiptSchema(vatCodes).optional(),
  });
}

/** zod issue → YooKassa's `parameter` (dotted path) and `description`. */
export function firstIssue(error: z.ZodError): { parameter: string; description: string } {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const missing = issue?.code === 'invalid_type' && issue.message.includes('undefined');
  return {
    parameter: path || 'body',
    description: missing ? `Parameter ${path} is missing` : (issue?.message ?? 'Invalid request'),
  };
}
