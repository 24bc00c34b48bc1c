import { normalizePhone } from '../../lib/phone.js';
import { kopecksToDecimal } from './money.js';

/** `payment_subject` values [C: SDK PaymentSubject]. */
export type PaymentSubject =
  | 'commodity'
  | 'excise'
  | 'job'
  | 'service'
  | 'gambling_bet'
  | 'gambling_prize'
  | 'lottery'
  | 'lottery_prize'
  | 'intellectual_activity'
  | 'payment'
  | 'agent_commission'
  | 'property_right'
  | 'non_operating_gain'
  | 'insurance_premium'
  | 'sales_tax'
  | 'resort_fee'
  | 'composite'
  | 'another';

/** `payment_mode` values [C: SDK PaymentMode]. */
export type PaymentMode =
  | 'full_prepayment'
  | 'partial_prepayment'
  | 'advance'
  | 'full_payment'
  | 'partial_payment'
  | 'credit'
  | 'credit_payment';

/** One line of a 54-FZ receipt; the price is per unit, in kopecks. */
export interface ReceiptLine {
  description: string;
  /** Up to 3 decimals (e.g. 1.5 hours). */
  quantity: number;
  unitKopecks: number;
  /** 1 = без НДС, 2 = 0 %, 3 = 10 %, 4 = 20 %, 5 = 10/110, 6 = 20/120 [U: meanings; newer codes exist]. */
  vatCode: number;
  paymentSubject?: PaymentSubject;
  paymentMode?: PaymentMode;
}

/** A 54-FZ receipt YooKassa registers with the payment (`YOOKASSA_RECEIPTS=true`). */
export interface Receipt {
  customer: { email?: string; phone?: string; fullName?: string; inn?: string };
  items: ReceiptLine[];
  taxSystemCode?: number;
}

/** Σ round(quantity × unit price), the sum YooKassa checks against the amount [U: rounding per line]. */
export function receiptTotalKopecks(receipt: Receipt): number {
  return receipt.items.reduce(
    (sum, line) => sum + Math.round((Math.round(line.quantity * 1000) * line.unitKopecks) / 1000),
    0,
  );
}

/** Why this receipt cannot go with `amountKopecks`, or undefined. */
export function receiptProblem(receipt: Receipt, amountKopecks: number): string | undefined {
  if (!receipt.customer.email && !receipt.customer.phone)
    return 'the receipt needs the buyer e-mail or phone';
  if (receipt.customer.phone && !normalizePhone(receipt.customer.phone))
    return 'the receipt phone is not a phone number';
  if (receipt.items.length === 0) return 'the receipt has no items';
  for (const line of receipt.items) {
    const milli = line.quantity * 1000;
    if (!(line.quantity > 0) || Math.abs(milli - Math.round(milli)) > 1e-6) {
      return `quantity ${line.quantity} of "${line.description}" is not a positive number with up to 3 decimals`;
    }
    if (!Number.isSafeInteger(line.unitKopecks) || line.unitKopecks <= 0)
      return `the price of "${line.description}" is not positive kopecks`;
  }
  const total = receiptTotalKopecks(receipt);
  if (total !== amountKopecks) {
    return `the receipt lines add up to ${kopecksToDecimal(total)} ₽, the amount is ${kopecksToDecimal(amountKopecks)} ₽`;
  }
  return undefined;
}

function quantityText(quantity: number): string {
  const milli = Math.round(quantity * 1000);
  return milli % 10 === 0 ? (milli / 1000).toFixed(2) : (milli / 1000).toFixed(3);
}

/** The receipt in YooKassa's wire format. */
export function receiptToWire(receipt: Receipt): Record<string, unknown> {
  const { email, phone, fullName, inn } = receipt.customer;
  const normalized = phone ? normalizePhone(phone) : undefined;
  return {
    customer: {
      ...(fullName ? { full_name: fullName } : {}),
      ...(inn ? { inn } : {}),
      ...(email ? { email } : {}),
      ...(normalized ? { phone: normalized } : {}),
    },
    items: receipt.items.map((line) => ({
      description: line.description.slice(0, 128),
      quantity: quantityText(line.quantity),
      amount: { value: kopecksToDecimal(line.unitKopecks), currency: 'RUB' },
      vat_code: line.vatCode,
      ...(line.paymentSubject ? { payment_subject: line.paymentSubject } : {}),
      ...(line.paymentMode ? { payment_mode: line.paymentMode } : {}),
    })),
    ...(receipt.taxSystemCode === undefined ? {} : { tax_system_code: receipt.taxSystemCode }),
  };
}
