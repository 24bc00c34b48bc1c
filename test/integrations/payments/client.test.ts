import { afterEach, describe, expect, it } from 'vitest';
import { startYooKassaSim, type YooKassaSim, type YooKassaSimOptions } from '../../../sim/yookassa/index.js';
import {
  type CreatePaymentInput,
  idempotenceKey,
  type Receipt,
  YooKassaClient,
  type YooKassaClientOptions,
  YooKassaError,
} from '../../../src/integrations/payments/index.js';

let sim: YooKassaSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(opts: YooKassaSimOptions = {}, over: Partial<YooKassaClientOptions> = {}) {
  sim = await startYooKassaSim(opts);
  const client = new YooKassaClient({
    shopId: sim.env.YOOKASSA_SHOP_ID!,
    secretKey: sim.env.YOOKASSA_SECRET_KEY!,
    apiBase: sim.apiBase,
    backoff: { baseMs: 5, maxMs: 20 },
    maxRetryAfterMs: 20,
    ...over,
  });
  return { sim, client };
}

const invoice = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  invoiceId: 'inv-0001',
  amountKopecks: 1_500_050,
  description: 'Счёт №1 · консультация',
  returnUrl: 'https://bot.example.com/pay/return?i=inv-0001',
  metadata: { lead_id: 'lead-7' },
  ...over,
});

const receipt: Receipt = {
  customer: { email: 'buyer@example.ru', phone: '8 (900) 123-45-67' },
  items: [
    {
      description: 'Консультация',
      quantity: 1.5,
      unitKopecks: 600_000,
      vatCode: 1,
      paymentSubject: 'service',
      paymentMode: 'full_prepayment',
    },
    {
      description: 'Выезд',
      quantity: 1,
      unitKopecks: 600_050,
      vatCode: 1,
      paymentSubject: 'service',
      paymentMode: 'full_prepayment',
    },
  ],
};

describe('YooKassa client: payments', () => {
  it('when an invoice is paid for, then the payment is created with a decimal amount, our ids and a confirmation URL', async () => {
    const { sim, client } = await setup();
    const payment = await client.createPayment(invoice());
    expect(payment).toMatchObject({
      status: 'pending',
      amount: { kopecks: 1_500_050, currency: 'RUB' },
      metadata: { lead_id: 'lead-7', invoice_id: 'inv-0001' },
      confirmationUrl: `${sim.url}/checkout/${payment.id}`,
    });
    const [call] = sim.calls.find('/v3/payments', 'POST');
    expect(call!.body).toMatchObject({
      amount: { value: '15000.50', currency: 'RUB' },
      capture: true,
      confirmation: { type: 'redirect' },
    });
    expect(call!.headers['idempotence-key']).toBe(idempotenceKey('payment', 'inv-0001'));
  });

  it('when the same invoice is paid for again (a retried job), then YooKassa returns the first payment', async () => {
    const { sim, client } = await setup();
    const first = await client.createPayment(invoice());
    const again = await client.createPayment(invoice());
    expect(again.id).toBe(first.id);
    expect(sim.payments()).toHaveLength(1);
  });

  it('when a new attempt is started after a cancel, then it is a new payment', async () => {
    const { sim, client } = await setup();
    const first = await client.createPayment(invoice());
    await sim.buyerCancels(first.id);
    const second = await client.createPayment(invoice({ attempt: 1 }));
    expect(second.id).not.toBe(first.id);
    expect(sim.payments()).toHaveLength(2);
  });

  for (const kind of ['status', 'drop'] as const) {
    it(`when YooKassa commits but the answer is ${kind === 'status' ? 'a 500' : 'lost'}, then the retry with the same key returns that payment`, async () => {
      const { sim, client } = await setup();
      sim.failAfterCommit(1, kind);
      const payment = await client.createPayment(invoice());
      expect(sim.payments().map((p) => p.id)).toEqual([payment.id]);
      const keys = sim.calls.find('/v3/payments', 'POST').map((c) => c.headers['idempotence-key']);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
    });
  }

  it('when YooKassa answers 202 with retry_after, then the same request is repeated and one payment results', async () => {
    const { sim, client } = await setup();
    sim.processingNext(2, 10);
    const payment = await client.createPayment(invoice());
    expect(payment.status).toBe('pending');
    expect(sim.calls.find('/v3/payments', 'POST').map((c) => c.status)).toEqual([202, 202, 200]);
    expect(sim.payments()).toHaveLength(1);
  });

  it('when YooKassa answers 429, then the call backs off and succeeds', async () => {
    const { sim, client } = await setup();
    sim.faults.add({ match: '/v3/payments', fault: { kind: 'status', status: 429 }, times: 1 });
    await client.createPayment(invoice());
    expect(sim.calls.find('/v3/payments', 'POST').map((c) => c.status)).toEqual([429, 200]);
  });

  it('when every attempt fails with 500, then the error says the outcome is unknown', async () => {
    const { sim, client } = await setup({}, { maxAttempts: 2 });
    sim.faults.add({ match: '/v3/payments', fault: { kind: 'status', status: 500 } });
    const error = (await client.createPayment(invoice()).catch((e: unknown) => e)) as YooKassaError;
    expect(error).toBeInstanceOf(YooKassaError);
    expect(error).toMatchObject({ kind: 'server', code: 'internal_server_error', retryable: true });
    expect(error.details.maybeApplied).toBe(true);
  });

  it('when YooKassa refuses the request, then the error is `invalid` with its parameter and is not retried', async () => {
    const { sim, client } = await setup({ receiptsRequired: true });
    const error = (await client.createPayment(invoice()).catch((e: unknown) => e)) as YooKassaError;
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_request', status: 400, retryable: false });
    expect(error.details.parameter).toBe('receipt');
    expect(sim.calls.find('/v3/payments', 'POST')).toHaveLength(1);
  });

  it('when the credentials are wrong, then the error is `auth`', async () => {
    const { client } = await setup({}, { secretKey: 'test_wrong' });
    await expect(client.getPayment('x')).rejects.toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
  });

  it('when a receipt goes with the payment, then YooKassa accepts its lines and phone in its format', async () => {
    const { sim, client } = await setup({ receiptsRequired: true });
    await client.createPayment(invoice({ receipt }));
    const body = sim.calls.find('/v3/payments', 'POST')[0]!.body as { receipt: Record<string, unknown> };
    expect(body.receipt).toEqual({
      customer: { email: 'buyer@example.ru', phone: '79001234567' },
      items: [
        {
          description: 'Консультация',
          quantity: '1.50',
          amount: { value: '6000.00', currency: 'RUB' },
          vat_code: 1,
          payment_subject: 'service',
          payment_mode: 'full_prepayment',
        },
        {
          description: 'Выезд',
          quantity: '1.00',
          amount: { value: '6000.50', currency: 'RUB' },
          vat_code: 1,
          payment_subject: 'service',
          payment_mode: 'full_prepayment',
        },
      ],
    });
  });

  it('when the receipt does not add up or the description is too long, then nothing is sent', async () => {
    const { sim, client } = await setup();
    await expect(client.createPayment(invoice({ amountKopecks: 100, receipt }))).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(client.createPayment(invoice({ description: 'ы'.repeat(129) }))).rejects.toMatchObject({
      kind: 'invalid',
    });
    expect(sim.calls.records).toHaveLength(0);
  });
});

describe('YooKassa client: after the buyer acts', () => {
  it('when the buyer pays, then the fetched payment is succeeded with money in kopecks', async () => {
    const { sim, client } = await setup();
    const created = await client.createPayment(invoice());
    await sim.buyerPays(created.id);
    const payment = await client.getPayment(created.id);
    expect(payment).toMatchObject({
      status: 'succeeded',
      paid: true,
      refundable: true,
      income_amount: { kopecks: 1_447_548 },
    });
  });

  it('when a two-stage payment is captured, then it succeeds once however often capture is retried', async () => {
    const { sim, client } = await setup();
    const created = await client.createPayment(invoice({ capture: false }));
    await sim.buyerPays(created.id);
    sim.failAfterCommit(1);
    const captured = await client.capturePayment(created.id);
    expect(captured.status).toBe('succeeded');
    await expect(client.capturePayment(created.id)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('when a refund is retried after a lost answer, then the buyer is refunded once', async () => {
    const { sim, client } = await setup();
    const created = await client.createPayment(invoice());
    await sim.buyerPays(created.id);
    sim.failAfterCommit(1, 'drop');
    const refund = await client.createRefund({
      refundId: 'refund-1',
      paymentId: created.id,
      amountKopecks: 500_000,
    });
    expect(refund).toMatchObject({ status: 'succeeded', amount: { kopecks: 500_000 } });
    await client.createRefund({ refundId: 'refund-1', paymentId: created.id, amountKopecks: 500_000 });
    expect(sim.refunds()).toHaveLength(1);
    expect(await client.getPayment(created.id)).toMatchObject({ refunded_amount: { kopecks: 500_000 } });
    expect(await client.getRefund(refund.id)).toMatchObject({ id: refund.id, payment_id: created.id });
  });

  it('when a held payment is canceled, then it is canceled by the merchant', async () => {
    const { sim, client } = await setup();
    const created = await client.createPayment(invoice({ capture: false }));
    await sim.buyerPays(created.id);
    await expect(client.cancelPayment(created.id)).resolves.toMatchObject({
      status: 'canceled',
      cancellation_details: { party: 'merchant', reason: 'canceled_by_merchant' },
    });
  });
});

describe('idempotenceKey', () => {
  it('when derived twice from the same ids, then it is the same UUID; other ids or attempts give other keys', () => {
    const key = idempotenceKey('payment', 'inv-1');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idempotenceKey('payment', 'inv-1')).toBe(key);
    const others = [
      idempotenceKey('payment', 'inv-2'),
      idempotenceKey('payment', 'inv-1', 1),
      idempotenceKey('refund', 'inv-1'),
    ];
    expect(new Set([key, ...others]).size).toBe(4);
  });
});
