import { afterEach, describe, expect, it } from 'vitest';
import { startYooKassaSim, type YooKassaSim, type YooKassaSimOptions } from '../../sim/yookassa/index.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

// Raw fetch on purpose: these tests pin the wire format the client meets, independent of the client.

let sim: YooKassaSim | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

async function start(opts: YooKassaSimOptions = {}): Promise<YooKassaSim> {
  sim = await startYooKassaSim(opts);
  return sim;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(
  s: YooKassaSim,
  path: string,
  body: unknown,
  key: string | null,
  auth = basic(s),
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: auth };
  if (key !== null) headers['idempotence-key'] = key;
  const res = await fetch(`${s.apiBase}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(s: YooKassaSim, path: string): Promise<Answer> {
  const res = await fetch(`${s.apiBase}${path}`, { headers: { authorization: basic(s) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function basic(s: YooKassaSim, secret = s.shops[0]!.secretKey): string {
  return `Basic ${Buffer.from(`${s.shops[0]!.shopId}:${secret}`).toString('base64')}`;
}

const payment = (over: Record<string, unknown> = {}) => ({
  amount: { value: '1500.00', currency: 'RUB' },
  capture: true,
  confirmation: { type: 'redirect', return_url: 'https://shop.example/return' },
  description: 'Счёт №1',
  metadata: { invoice_id: 'inv-1' },
  ...over,
});

const receipt = (value = '1500.00', quantity: string | number = '1.00') => ({
  customer: { email: 'buyer@example.ru' },
  items: [
    {
      description: 'Консультация',
      quantity,
      amount: { value, currency: 'RUB' },
      vat_code: 1,
      payment_subject: 'service',
      payment_mode: 'full_prepayment',
    },
  ],
});

describe('YooKassa simulator: auth and errors', () => {
  it('when the secret key is wrong, then 401 invalid_credentials in YooKassa error shape', async () => {
    const s = await start();
    const res = await post(s, '/payments', payment(), 'k1', basic(s, 'test_wrong'));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      type: 'error',
      id: expect.any(String),
      code: 'invalid_credentials',
      description: expect.any(String),
    });
  });

  it('when the Idempotence-Key is missing, then 400 names it as the parameter', async () => {
    const s = await start();
    const res = await post(s, '/payments', payment(), null);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'error', code: 'invalid_request', parameter: 'Idempotence-Key' });
    expect(s.payments()).toHaveLength(0);
  });

  it('when amounts are malformed, then 400 with parameter amount.value', async () => {
    const s = await start();
    for (const [i, value] of ['1500.005', '-1.00', '0.00', '1 500', 'abc'].entries()) {
      const res = await post(s, '/payments', payment({ amount: { value, currency: 'RUB' } }), `bad-${i}`);
      expect(res.status, value).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_request', parameter: 'amount.value' });
    }
    expect(
      (await post(s, '/payments', payment({ amount: { value: '10.00', currency: 'USD' } }), 'usd')).body,
    ).toMatchObject({
      parameter: 'amount.currency',
    });
  });

  it('when the description is over 128 characters or metadata over its limits, then 400', async () => {
    const s = await start();
    expect((await post(s, '/payments', payment({ description: 'я'.repeat(129) }), 'd')).body).toMatchObject({
      parameter: 'description',
    });
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    expect((await post(s, '/payments', payment({ metadata: many }), 'm')).status).toBe(400);
  });

  it('when the body is not JSON or the method is wrong, then 415 / 400 / 405', async () => {
    const s = await start();
    const form = await fetch(`${s.apiBase}/payments`, {
      method: 'POST',
      headers: {
        authorization: basic(s),
        'idempotence-key': 'f',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'amount=1',
    });
    expect(form.status).toBe(415);
    const broken = await fetch(`${s.apiBase}/payments`, {
      method: 'POST',
      headers: { authorization: basic(s), 'idempotence-key': 'b', 'content-type': 'application/json' },
      body: '{"amount":',
    });
    expect(broken.status).toBe(400);
    expect(
      (await fetch(`${s.apiBase}/payments`, { method: 'DELETE', headers: { authorization: basic(s) } }))
        .status,
    ).toBe(405);
    expect((await get(s, '/payments/00000000-000f-5000-8000-000000000000')).body).toMatchObject({
      code: 'not_found',
    });
  });
});

describe('YooKassa simulator: Idempotence-Key', () => {
  it('when the same key and body come twice, then one payment exists and both answers are the same', async () => {
    const s = await start();
    const first = await post(s, '/payments', payment(), 'key-1');
    const second = await post(s, '/payments', payment(), 'key-1');
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(s.payments()).toHaveLength(1);
  });

  it('when the same key comes with another body, then 400 and nothing new is created', async () => {
    const s = await start();
    await post(s, '/payments', payment(), 'key-1');
    const res = await post(
      s,
      '/payments',
      payment({ amount: { value: '1600.00', currency: 'RUB' } }),
      'key-1',
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request', parameter: 'Idempotence-Key' });
    expect(s.payments()).toHaveLength(1);
  });

  it('when the key is older than 24 hours, then the same request is a new operation', async () => {
    const s = await start();
    await post(s, '/payments', payment(), 'key-1');
    s.advanceTime(24 * 3600_000 + 1);
    await post(s, '/payments', payment(), 'key-1');
    expect(s.payments()).toHaveLength(2);
  });

  it('when an operation commits and answers 500, then repeating it with the key returns the stored payment', async () => {
    const s = await start();
    s.failAfterCommit(1);
    const failed = await post(s, '/payments', payment(), 'key-1');
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ type: 'error', code: 'internal_server_error' });
    const repeated = await post(s, '/payments', payment(), 'key-1');
    expect(repeated.status).toBe(200);
    expect(s.payments().map((p) => p.id)).toEqual([repeated.body.id]);
  });
});

describe('YooKassa simulator: payments, receipts, refunds', () => {
  it('when a payment is created, then it is pending with a confirmation_url and amounts as strings', async () => {
    const s = await start();
    const res = await post(s, '/payments', payment(), 'k');
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{8}-000f-5000-[89]000-[0-9a-f]{12}$/),
      status: 'pending',
      paid: false,
      amount: { value: '1500.00', currency: 'RUB' },
      confirmation: {
        type: 'redirect',
        return_url: 'https://shop.example/return',
        confirmation_url: expect.stringContaining('/checkout/'),
      },
      metadata: { invoice_id: 'inv-1' },
      test: true,
      refundable: false,
    });
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('when the shop fiscalises, then a payment without a receipt or with items not adding up is refused', async () => {
    const s = await start({ receiptsRequired: true });
    expect((await post(s, '/payments', payment(), 'r1')).body).toMatchObject({ parameter: 'receipt' });
    expect((await post(s, '/payments', payment({ receipt: receipt('1000.00') }), 'r2')).body).toMatchObject({
      parameter: 'receipt.items',
    });
    expect((await post(s, '/payments', payment({ receipt: receipt('500.00', '3') }), 'r3')).status).toBe(200);
    const noContact = { ...receipt(), customer: { full_name: 'Иван' } };
    expect((await post(s, '/payments', payment({ receipt: noContact }), 'r4')).status).toBe(400);
    const badVat = { ...receipt(), items: [{ ...receipt().items[0], vat_code: 9 }] };
    expect((await post(s, '/payments', payment({ receipt: badVat }), 'r5')).body).toMatchObject({
      parameter: 'receipt.items.0.vat_code',
    });
  });

  it('when a two-stage payment is paid, captured and then refunded in two parts, then amounts add up', async () => {
    const s = await start();
    const { body } = await post(s, '/payments', payment({ capture: false }), 'k');
    const id = String(body.id);
    await s.buyerPays(id);
    expect(s.payment(id)).toMatchObject({
      status: 'waiting_for_capture',
      paid: true,
      expires_at: expect.any(String),
    });
    const refundTooEarly = await post(
      s,
      '/refunds',
      { payment_id: id, amount: { value: '100.00', currency: 'RUB' } },
      'early',
    );
    expect(refundTooEarly.status).toBe(400);
    const captured = await post(
      s,
      `/payments/${id}/capture`,
      { amount: { value: '1200.00', currency: 'RUB' } },
      'cap',
    );
    expect(captured.body).toMatchObject({
      status: 'succeeded',
      amount: { value: '1200.00' },
      income_amount: { value: '1158.00' },
    });
    expect((await post(s, `/payments/${id}/cancel`, {}, 'cancel')).status).toBe(400);

    const r1 = await post(
      s,
      '/refunds',
      { payment_id: id, amount: { value: '200.00', currency: 'RUB' } },
      'ref-1',
    );
    expect(r1.body).toMatchObject({
      status: 'succeeded',
      payment_id: id,
      amount: { value: '200.00', currency: 'RUB' },
    });
    const over = await post(
      s,
      '/refunds',
      { payment_id: id, amount: { value: '1000.01', currency: 'RUB' } },
      'ref-2',
    );
    expect(over.body).toMatchObject({ code: 'invalid_request', parameter: 'amount.value' });
    await post(s, '/refunds', { payment_id: id, amount: { value: '1000.00', currency: 'RUB' } }, 'ref-3');
    expect((await get(s, `/payments/${id}`)).body).toMatchObject({
      refunded_amount: { value: '1200.00' },
      refundable: false,
    });
    expect((await get(s, `/refunds/${String(r1.body.id)}`)).body).toMatchObject({ status: 'succeeded' });
  });

  it('when a held payment is not captured in time, then it is canceled with expired_on_capture', async () => {
    const s = await start();
    const { body } = await post(s, '/payments', payment({ capture: false }), 'k');
    await s.buyerPays(String(body.id));
    s.advanceTime(7 * 86_400_000 + 1);
    expect((await get(s, `/payments/${String(body.id)}`)).body).toMatchObject({
      status: 'canceled',
      cancellation_details: { party: 'yoo_kassa', reason: 'expired_on_capture' },
    });
  });
});

describe('YooKassa simulator: notifications', () => {
  it('when the buyer pays, then payment.succeeded is POSTed as JSON from the configured source address', async () => {
    receiver = await startReceiver();
    const s = await start({
      notificationUrl: `${receiver.url}/yookassa/notifications`,
      notificationSourceAddress: '127.0.0.2',
    });
    const { body } = await post(s, '/payments', payment(), 'k');
    await s.buyerPays(String(body.id));
    const [hit] = receiver.received;
    expect(hit!.remoteAddress).toBe('127.0.0.2');
    expect(hit!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hit!.body)).toMatchObject({
      type: 'notification',
      event: 'payment.succeeded',
      object: { id: body.id, status: 'succeeded', paid: true, metadata: { invoice_id: 'inv-1' } },
    });
  });

  it('when the buyer cancels, then payment.canceled carries the reason and party', async () => {
    receiver = await startReceiver();
    const s = await start({ notificationUrl: receiver.url });
    const { body } = await post(s, '/payments', payment(), 'k');
    await s.buyerCancels(String(body.id), 'insufficient_funds');
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      event: 'payment.canceled',
      object: {
        status: 'canceled',
        cancellation_details: { party: 'payment_network', reason: 'insufficient_funds' },
      },
    });
  });

  it('when notifications are held and released in reverse, then the receiver sees them out of order', async () => {
    receiver = await startReceiver();
    const s = await start({ notificationUrl: receiver.url });
    const { body } = await post(s, '/payments', payment({ capture: false }), 'k');
    s.holdDeliveries();
    await s.buyerPays(String(body.id));
    await post(s, `/payments/${String(body.id)}/capture`, {}, 'cap');
    await s.releaseDeliveries('reverse');
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { event: string }).event)).toEqual([
      'payment.succeeded',
      'payment.waiting_for_capture',
    ]);
  });
});
