import { afterEach, describe, expect, it } from 'vitest';
import { startYooKassaSim, type YooKassaSim } from '../../../sim/yookassa/index.js';
import {
  AddressList,
  LOOPBACK_RANGES,
  notificationSourceAllowed,
  parseNotification,
  YooKassaClient,
} from '../../../src/integrations/payments/index.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';

let sim: YooKassaSim | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

/** The simulated YooKassa sends from 127.0.0.2; the test tells the check to trust only that address. */
async function setup() {
  receiver = await startReceiver();
  sim = await startYooKassaSim({
    notificationUrl: `${receiver.url}/yookassa/notifications`,
    notificationSourceAddress: '127.0.0.2',
  });
  const client = new YooKassaClient({
    shopId: sim.env.YOOKASSA_SHOP_ID!,
    secretKey: sim.env.YOOKASSA_SECRET_KEY!,
    apiBase: sim.apiBase,
  });
  const payment = await client.createPayment({
    invoiceId: 'inv-1',
    amountKopecks: 150_000,
    description: 'Счёт №1',
    returnUrl: 'https://bot.example.com/pay/return',
  });
  return { sim, receiver, client, payment };
}

const allowlist = new AddressList(['127.0.0.2/32']);
const trustedProxies = new AddressList([]);

describe('YooKassa notifications', () => {
  it('when the buyer pays, then the notification parses, comes from an allowed address and its payment is fetched', async () => {
    const { sim, receiver, client, payment } = await setup();
    await sim.buyerPays(payment.id);
    const [hit] = receiver.received;
    expect(
      notificationSourceAllowed({
        remoteAddress: hit!.remoteAddress,
        forwardedFor: undefined,
        allowlist,
        trustedProxies,
      }),
    ).toEqual({
      allowed: true,
      address: '127.0.0.2',
    });
    const parsed = parseNotification(JSON.parse(hit!.body));
    expect(parsed).toEqual({
      ok: true,
      notification: {
        kind: 'payment',
        event: 'payment.succeeded',
        objectId: payment.id,
        claimedStatus: 'succeeded',
        dedupeKey: `payment.succeeded:${payment.id}`,
      },
    });
    expect((await client.getPayment(payment.id)).status).toBe('succeeded');
  });

  it('when someone else posts a notification claiming success, then its address is refused and the fetched status stays pending', async () => {
    const { sim, receiver, client, payment } = await setup();
    const forged = sim.notificationBody('payment.succeeded', {
      ...sim.payment(payment.id)!,
      status: 'succeeded',
      paid: true,
    });
    await fetch(`${receiver.url}/yookassa/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: forged,
    });
    const [hit] = receiver.received;
    expect(hit!.remoteAddress).toBe('127.0.0.1');
    expect(
      notificationSourceAllowed({
        remoteAddress: hit!.remoteAddress,
        forwardedFor: undefined,
        allowlist,
        trustedProxies,
      }).allowed,
    ).toBe(false);
    // Even from an allowed address, only the fetched status counts.
    expect(parseNotification(JSON.parse(hit!.body))).toMatchObject({
      ok: true,
      notification: { claimedStatus: 'succeeded' },
    });
    expect((await client.getPayment(payment.id)).status).toBe('pending');
  });

  it('when a forged X-Forwarded-For names YooKassa but the peer is not a trusted proxy, then it is refused', async () => {
    const { receiver } = await setup();
    await fetch(`${receiver.url}/x`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '127.0.0.2' },
      body: '{}',
    });
    const [hit] = receiver.received;
    const verdict = notificationSourceAllowed({
      remoteAddress: hit!.remoteAddress,
      forwardedFor: String(hit!.headers['x-forwarded-for']),
      allowlist,
      trustedProxies,
    });
    expect(verdict.allowed).toBe(false);
    // Behind our own proxy on loopback the same header is believed.
    const behindProxy = notificationSourceAllowed({
      remoteAddress: hit!.remoteAddress,
      forwardedFor: String(hit!.headers['x-forwarded-for']),
      allowlist,
      trustedProxies: new AddressList(['127.0.0.1/32']),
    });
    expect(behindProxy.allowed).toBe(true);
  });

  it('when YooKassa repeats a notification, then both copies carry the same dedupe key', async () => {
    const { sim, receiver, payment } = await setup();
    sim.duplicateNext();
    await sim.buyerCancels(payment.id, 'expired_on_confirmation');
    const keys = receiver.received.map((r) => {
      const parsed = parseNotification(JSON.parse(r.body));
      return parsed.ok && parsed.notification.kind !== 'other' ? parsed.notification.dedupeKey : undefined;
    });
    expect(keys).toEqual([`payment.canceled:${payment.id}`, `payment.canceled:${payment.id}`]);
  });

  it('when a refund succeeds, then refund.succeeded names the refund', async () => {
    const { sim, receiver, client, payment } = await setup();
    await sim.buyerPays(payment.id);
    const refund = await client.createRefund({
      refundId: 'r-1',
      paymentId: payment.id,
      amountKopecks: 10_000,
    });
    await sim.settled();
    const last = parseNotification(JSON.parse(receiver.received.at(-1)!.body));
    expect(last).toMatchObject({
      ok: true,
      notification: { kind: 'refund', event: 'refund.succeeded', objectId: refund.id },
    });
  });

  it('when the body is not a notification, then parsing says why; unknown events are accepted as `other`', () => {
    expect(
      parseNotification({ type: 'notification', event: 'payment.succeeded', object: { id: '../../etc' } }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('object.id'),
    });
    expect(parseNotification({ event: 'payment.succeeded', object: { id: 'a' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('type'),
    });
    expect(parseNotification('payment.succeeded')).toMatchObject({ ok: false });
    expect(
      parseNotification({ type: 'notification', event: 'payout.succeeded', object: { id: 'po-1' } }),
    ).toEqual({
      ok: true,
      notification: { kind: 'other', event: 'payout.succeeded', objectId: 'po-1' },
    });
    expect(new AddressList(LOOPBACK_RANGES).has('127.0.0.2')).toBe(true);
  });
});
