import { timingSafeEqual } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import type { z } from 'zod';
import { type PaymentBook, WrongStatusError } from './book.js';
import { sendJson, sendYooError } from './errors.js';
import { type IdempotenceKnobs, idempotent, type OperationResult } from './idempotence.js';
import { kopecksOf, rub, type YooState } from './state.js';
import {
  captureSchema,
  firstIssue,
  paymentSchema,
  type ReceiptInput,
  receiptTotal,
  refundSchema,
} from './validation.js';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP Basic: username = shopId, password = secret key [C]; anything else is 401 `invalid_credentials`. */
export function requireBasic(state: YooState): RequestHandler {
  return (req, res, next) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const shopId = colon > 0 ? decoded.slice(0, colon) : '';
    const secret = colon > 0 ? decoded.slice(colon + 1) : '';
    const shop = state.shops.find((s) => s.shopId === shopId);
    if (!shop || !same(secret, shop.secretKey)) {
      return sendYooError(res, 401, 'Login or password is incorrect. Check the shopId and the secret key');
    }
    res.locals.shopId = shop.shopId;
    next();
  };
}

/** 415 for a POST that is not JSON, 400 for JSON that does not parse. */
export function requireJson(): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!type.startsWith('application/json')) {
        return sendYooError(res, 415, 'Content-Type must be application/json', { parameter: 'Content-Type' });
      }
      if (res.locals.invalidJson === true) return sendYooError(res, 400, 'Request body is not a valid JSON');
    }
    next();
  };
}

/** Per-shop requests per second before 429 (off unless configured: YooKassa publishes no number). */
export function rateLimit(state: YooState, perSecond: number): RequestHandler {
  const hits = new Map<string, number[]>();
  return (_req, res, next) => {
    if (perSecond <= 0) return next();
    const key = String(res.locals.shopId);
    const now = state.nowMs();
    const recent = (hits.get(key) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= perSecond) return sendYooError(res, 429, 'Too many requests');
    recent.push(now);
    hits.set(key, recent);
    next();
  };
}

/** The receipt rules beyond its shape: present when the shop fiscalises; items add up to the amount. */
function receiptProblem(
  state: YooState,
  receipt: ReceiptInput | undefined,
  kopecks: number,
): { parameter: string; description: string } | undefined {
  if (!receipt) {
    return state.receiptsRequired
      ? {
          parameter: 'receipt',
          description: 'Receipt is missing: the shop sends 54-FZ receipts through YooKassa',
        }
      : undefined;
  }
  const total = receiptTotal(receipt);
  if (total !== kopecks) {
    return {
      parameter: 'receipt.items',
      description: `The sum of the receipt items (${rub(total)}) does not match the amount (${rub(kopecks)})`,
    };
  }
  return undefined;
}

function invalid(res: Parameters<RequestHandler>[1], error: z.ZodError): OperationResult {
  const { parameter, description } = firstIssue(error);
  sendYooError(res, 400, description, { parameter });
  return undefined;
}

/** `/v3/payments…` and `/v3/refunds…`. */
export function registerRoutes(
  app: Express,
  state: YooState,
  book: PaymentBook,
  knobs: IdempotenceKnobs,
): void {
  const createPayment = paymentSchema(state.vatCodes);
  const capture = captureSchema(state.vatCodes);
  const createRefund = refundSchema(state.vatCodes);

  const ownPayment = (shopId: string, id: string) => {
    const record = state.payments.get(id);
    return record && record.shopId === shopId ? record : undefined;
  };

  app.post(
    '/v3/payments',
    idempotent(state, knobs, (req, res) => {
      const parsed = createPayment.safeParse(req.body);
      if (!parsed.success) return invalid(res, parsed.error);
      const input = parsed.data;
      if (!state.currencies.includes(input.amount.currency)) {
        sendYooError(res, 400, `Currency ${input.amount.currency} is not available for this shop`, {
          parameter: 'amount.currency',
        });
        return undefined;
      }
      if (!input.confirmation && !input.payment_method_id) {
        sendYooError(res, 400, 'Parameter confirmation is missing', { parameter: 'confirmation' });
        return undefined;
      }
      const kopecks = kopecksOf(input.amount.value)!;
      const problem = receiptProblem(state, input.receipt, kopecks);
      if (problem) {
        sendYooError(res, 400, problem.description, { parameter: problem.parameter });
        return undefined;
      }
      const record = book.create(String(res.locals.shopId), {
        kopecks,
        currency: input.amount.currency,
        capture: input.capture ?? false,
        returnUrl: input.confirmation?.type === 'redirect' ? input.confirmation.return_url : undefined,
        confirmationType: input.confirmation?.type,
        description: input.description,
        metadata: input.metadata ?? {},
        hasReceipt: input.receipt !== undefined,
        merchantCustomerId: input.merchant_customer_id,
      });
      return { status: 200, body: structuredClone(record.object) };
    }),
  );

  app.get('/v3/payments/:id', (req, res) => {
    const record = ownPayment(String(res.locals.shopId), String(req.params.id));
    if (!record)
      return sendYooError(res, 404, `Payment ${String(req.params.id)} not found`, {
        parameter: 'payment_id',
      });
    sendJson(res, 200, record.object);
  });

  const transition = (
    run: (
      record: NonNullable<ReturnType<typeof ownPayment>>,
      body: unknown,
      res: Parameters<RequestHandler>[1],
    ) => OperationResult,
  ) =>
    idempotent(state, knobs, (req, res) => {
      const record = ownPayment(String(res.locals.shopId), String(req.params.id));
      if (!record) {
        sendYooError(res, 404, `Payment ${String(req.params.id)} not found`, { parameter: 'payment_id' });
        return undefined;
      }
      try {
        return run(record, req.body ?? {}, res);
      } catch (error) {
        if (!(error instanceof WrongStatusError)) throw error;
        sendYooError(res, 400, error.message, { parameter: 'payment_id' });
        return undefined;
      }
    });

  app.post(
    '/v3/payments/:id/capture',
    transition((record, body, res) => {
      const parsed = capture.safeParse(body);
      if (!parsed.success) return invalid(res, parsed.error);
      const kopecks = parsed.data.amount ? kopecksOf(parsed.data.amount.value)! : record.kopecks;
      if (
        kopecks > record.kopecks ||
        (parsed.data.amount && parsed.data.amount.currency !== record.object.amount.currency)
      ) {
        sendYooError(res, 400, 'The capture amount exceeds the payment amount', { parameter: 'amount' });
        return undefined;
      }
      void book.capture(record, kopecks);
      return { status: 200, body: structuredClone(record.object) };
    }),
  );

  app.post(
    '/v3/payments/:id/cancel',
    transition((record, body, res) => {
      if (typeof body !== 'object' || body === null || Object.keys(body).length > 0) {
        sendYooError(res, 400, 'The cancel request takes an empty object', { parameter: 'body' });
        return undefined;
      }
      void book.cancel(record);
      return { status: 200, body: structuredClone(record.object) };
    }),
  );

  app.post(
    '/v3/refunds',
    idempotent(state, knobs, (req, res) => {
      const parsed = createRefund.safeParse(req.body);
      if (!parsed.success) return invalid(res, parsed.error);
      const input = parsed.data;
      const record = ownPayment(String(res.locals.shopId), input.payment_id);
      if (!record) {
        sendYooError(res, 404, `Payment ${input.payment_id} not found`, { parameter: 'payment_id' });
        return undefined;
      }
      if (record.object.status !== 'succeeded' || !record.object.refundable) {
        sendYooError(
          res,
          400,
          `Payment ${input.payment_id} cannot be refunded (status ${record.object.status})`,
          { parameter: 'payment_id' },
        );
        return undefined;
      }
      const kopecks = kopecksOf(input.amount.value)!;
      const paid = kopecksOf(record.object.amount.value)!;
      if (
        input.amount.currency !== record.object.amount.currency ||
        kopecks > paid - record.refundedKopecks
      ) {
        sendYooError(
          res,
          400,
          `The refund exceeds what is left to refund (${rub(paid - record.refundedKopecks)})`,
          { parameter: 'amount.value' },
        );
        return undefined;
      }
      const problem = receiptProblem(state, input.receipt, kopecks);
      if (problem) {
        sendYooError(res, 400, problem.description, { parameter: problem.parameter });
        return undefined;
      }
      const refund = book.refund(record, kopecks, input.description, input.receipt !== undefined);
      return { status: 200, body: structuredClone(refund.object) };
    }),
  );

  app.get('/v3/refunds/:id', (req, res) => {
    const refund = state.refunds.get(String(req.params.id));
    if (!refund || refund.shopId !== res.locals.shopId) {
      return sendYooError(res, 404, `Refund ${String(req.params.id)} not found`, { parameter: 'refund_id' });
    }
    sendJson(res, 200, refund.object);
  });

  // Known paths with another method: 405 [C: http-codes].
  app.all(
    [
      '/v3/payments',
      '/v3/payments/:id',
      '/v3/payments/:id/capture',
      '/v3/payments/:id/cancel',
      '/v3/refunds',
      '/v3/refunds/:id',
    ],
    (req, res) => {
      sendYooError(res, 405, `Method ${req.method} is not allowed here`);
    },
  );
}
