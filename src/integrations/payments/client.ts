import type { z } from 'zod';
import {
  exchange,
  HttpFailure,
  type HttpResponse,
  parseJsonBody,
  type RetryingClientOptions,
  withJsonBody,
} from '../../lib/http.js';
import { backoffDelay, sleep } from '../../lib/retry.js';
import { errorFromResponse, YooKassaError } from './errors.js';
import { idempotenceKey } from './idempotence.js';
import { kopecksToDecimal } from './money.js';
import { type Receipt, receiptProblem, receiptToWire } from './receipt.js';
import { paymentSchema, processingSchema, refundSchema } from './schemas.js';

/** Timeouts default to 30 s per attempt, attempts (429/5xx/202/network, same key) to 4, waits to 10 s. */
export interface YooKassaClientOptions extends RetryingClientOptions {
  shopId: string;
  secretKey: string;
  /** `https://api.yookassa.ru/v3` (the simulator's `…/v3` in tests). */
  apiBase: string;
}

/** A payment in our terms: kopecks, and the fields the sales flow reads. */
export type YooPayment = z.output<typeof paymentSchema> & { confirmationUrl: string | undefined };
export type YooRefund = z.output<typeof refundSchema>;

export interface CreatePaymentInput {
  /** Our invoice id: the Idempotence-Key and `metadata.invoice_id` derive from it. */
  invoiceId: string;
  /** 0 for the invoice's first payment; +1 only after a definite failure or a `canceled` payment. */
  attempt?: number;
  amountKopecks: number;
  /** At most 128 characters (YooKassa's limit [C]). */
  description: string;
  /** Where the buyer returns after paying. */
  returnUrl: string;
  /** More flat string metadata (our lead id…); at most 16 keys in all [U]. */
  metadata?: Record<string, string>;
  /** A 54-FZ receipt; required when the shop fiscalises through YooKassa. */
  receipt?: Receipt;
  /** One-stage payment (default true); false leaves it `waiting_for_capture`. */
  capture?: boolean;
}

export interface CreateRefundInput {
  /** Our refund id: the Idempotence-Key derives from it. */
  refundId: string;
  paymentId: string;
  amountKopecks: number;
  description?: string;
  receipt?: Receipt;
}

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  idempotenceKey?: string;
  schema: S;
}

/**
 * Typed client for YooKassa API v3 (payments, capture/cancel, refunds): Basic auth, zod on every answer,
 * amounts in kopecks inside and decimal strings on the wire, and an Idempotence-Key derived from our ids on
 * every POST, so a retry after a 500, a 202, a 429 or a lost answer never charges or refunds twice.
 */
export class YooKassaClient {
  private readonly authorization: string;

  constructor(private readonly opts: YooKassaClientOptions) {
    this.authorization = `Basic ${Buffer.from(`${opts.shopId}:${opts.secretKey}`).toString('base64')}`;
  }

  /** Creates the invoice's payment (redirect confirmation); its `confirmationUrl` goes to the buyer. */
  async createPayment(input: CreatePaymentInput): Promise<YooPayment> {
    if ([...input.description].length > 128) {
      throw new YooKassaError('invalid', `the payment description is longer than 128 characters`);
    }
    if (input.receipt) {
      const problem = receiptProblem(input.receipt, input.amountKopecks);
      if (problem) throw new YooKassaError('invalid', `receipt: ${problem}`, { parameter: 'receipt' });
    }
    const body = {
      amount: { value: kopecksToDecimal(input.amountKopecks), currency: 'RUB' },
      capture: input.capture ?? true,
      confirmation: { type: 'redirect', return_url: input.returnUrl },
      description: input.description,
      metadata: { ...input.metadata, invoice_id: input.invoiceId },
      ...(input.receipt ? { receipt: receiptToWire(input.receipt) } : {}),
    };
    const payment = await this.call({
      method: 'POST',
      path: '/payments',
      body,
      idempotenceKey: idempotenceKey('payment', input.invoiceId, input.attempt ?? 0),
      schema: paymentSchema,
    });
    return withUrl(payment);
  }

  /** The payment as YooKassa has it now: the only status a notification may be acted on [C]. */
  async getPayment(paymentId: string): Promise<YooPayment> {
    return withUrl(
      await this.call({
        method: 'GET',
        path: `/payments/${encodeURIComponent(paymentId)}`,
        schema: paymentSchema,
      }),
    );
  }

  /** Captures a `waiting_for_capture` payment (all of it, or `amountKopecks`). */
  async capturePayment(paymentId: string, amountKopecks?: number): Promise<YooPayment> {
    const body =
      amountKopecks === undefined
        ? {}
        : { amount: { value: kopecksToDecimal(amountKopecks), currency: 'RUB' } };
    return withUrl(
      await this.call({
        method: 'POST',
        path: `/payments/${encodeURIComponent(paymentId)}/capture`,
        body,
        idempotenceKey: idempotenceKey('capture', paymentId),
        schema: paymentSchema,
      }),
    );
  }

  /** Cancels a `waiting_for_capture` payment (the hold is released). */
  async cancelPayment(paymentId: string): Promise<YooPayment> {
    return withUrl(
      await this.call({
        method: 'POST',
        path: `/payments/${encodeURIComponent(paymentId)}/cancel`,
        body: {},
        idempotenceKey: idempotenceKey('cancel', paymentId),
        schema: paymentSchema,
      }),
    );
  }

  /** Refunds (part of) a succeeded payment, once per our refund id. */
  createRefund(input: CreateRefundInput): Promise<YooRefund> {
    if (input.receipt) {
      const problem = receiptProblem(input.receipt, input.amountKopecks);
      if (problem)
        return Promise.reject(new YooKassaError('invalid', `receipt: ${problem}`, { parameter: 'receipt' }));
    }
    return this.call({
      method: 'POST',
      path: '/refunds',
      body: {
        payment_id: input.paymentId,
        amount: { value: kopecksToDecimal(input.amountKopecks), currency: 'RUB' },
        ...(input.description ? { description: input.description } : {}),
        ...(input.receipt ? { receipt: receiptToWire(input.receipt) } : {}),
      },
      idempotenceKey: idempotenceKey('refund', input.refundId),
      schema: refundSchema,
    });
  }

  getRefund(refundId: string): Promise<YooRefund> {
    return this.call({
      method: 'GET',
      path: `/refunds/${encodeURIComponent(refundId)}`,
      schema: refundSchema,
    });
  }

  private async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const maxAttempts = this.opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      let res: HttpResponse;
      try {
        res = await exchange({
          method: spec.method,
          url: `${this.opts.apiBase}${spec.path}`,
          ...withJsonBody(
            {
              authorization: this.authorization,
              ...(spec.idempotenceKey ? { 'idempotence-key': spec.idempotenceKey } : {}),
            },
            spec.body,
          ),
          timeoutMs: this.opts.timeoutMs ?? 30_000,
          fetch: this.opts.fetch,
        });
      } catch (err) {
        const failure = err as HttpFailure;
        const error = new YooKassaError(
          'network',
          `YooKassa ${spec.method} ${spec.path}: ${failure.message}`,
          {
            method: spec.method,
            path: spec.path,
            maybeApplied: failure instanceof HttpFailure ? failure.sent : true,
            cause: err,
          },
        );
        // Reads and keyed POSTs are both safe to repeat: the key makes YooKassa answer with the first result.
        if (attempt >= maxAttempts) throw error;
        await sleep(this.delay(attempt));
        continue;
      }

      if (res.status === 202) {
        // "Still processing": repeat the same request after `retry_after` ms [C: SDK BaseClient].
        const wait = this.processingWait(res);
        if (attempt >= maxAttempts) {
          throw new YooKassaError(
            'server',
            `YooKassa ${spec.method} ${spec.path}: still processing after ${attempt} attempts`,
            {
              status: 202,
              method: spec.method,
              path: spec.path,
              retryAfterMs: wait,
              maybeApplied: true,
            },
          );
        }
        await sleep(Math.min(wait, this.opts.maxRetryAfterMs ?? 10_000));
        continue;
      }
      if (res.status >= 200 && res.status < 300) return this.parse(spec, res);

      const error = errorFromResponse(res, spec.method, spec.path);
      if (!error.retryable || attempt >= maxAttempts) throw error;
      const wait = Math.min(
        error.details.retryAfterMs ?? this.delay(attempt),
        this.opts.maxRetryAfterMs ?? 10_000,
      );
      this.opts.logger?.debug(
        { status: res.status, attempt, wait, path: spec.path },
        'YooKassa call retried',
      );
      await sleep(wait);
    }
  }

  private processingWait(res: HttpResponse): number {
    const parsed = parseJsonBody(processingSchema, res.text);
    return (parsed.ok ? parsed.data.retry_after : undefined) ?? 1800;
  }

  private delay(attempt: number): number {
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 1000, maxMs: 15_000 };
    return backoffDelay(attempt, baseMs, maxMs);
  }

  private parse<S extends z.ZodType>(spec: CallSpec<S>, res: HttpResponse): z.output<S> {
    const parsed = parseJsonBody(spec.schema, res.text);
    if (parsed.ok) return parsed.data;
    throw new YooKassaError('invalid_response', `YooKassa ${spec.method} ${spec.path}: ${parsed.problem}`, {
      status: res.status,
      method: spec.method,
      path: spec.path,
    });
  }
}

function withUrl(payment: z.output<typeof paymentSchema>): YooPayment {
  return { ...payment, confirmationUrl: payment.confirmation?.confirmation_url };
}
