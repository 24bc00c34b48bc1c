import { afterEach, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../../sim/common/server.js';
import { WebhookSender, type WebhookSenderSettings } from '../../../sim/common/webhook-sender.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';

const closers: Array<() => unknown> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function sender<Extra extends object = Record<never, never>>(
  settings: Partial<WebhookSenderSettings> = {},
): WebhookSender<Extra> {
  const s = new WebhookSender<Extra>({
    timeoutMs: 2000,
    retries: 0,
    backoffMs: 10,
    random: Math.random,
    ...settings,
  });
  closers.push(() => s.close());
  return s;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  closers.push(() => r.close());
  return r;
}

const message = { body: '{"n":1}', contentType: 'application/json', label: 'test' };

describe('common webhook sender', () => {
  it('when one webhook goes to two URLs after duplicateNext(1), then each URL gets two copies and the next webhook one', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const s = sender();
    s.duplicateNext(1);
    const first = await s.send([a.url, b.url], message);
    await s.send([a.url, b.url], { ...message, body: '{"n":2}' });
    expect(first.map((d) => [d.url, d.duplicateOf])).toEqual([
      [a.url, undefined],
      [a.url, first[0]?.id],
      [b.url, undefined],
      [b.url, first[2]?.id],
    ]);
    expect(a.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}', '{"n":2}']);
    expect(b.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}', '{"n":2}']);
  });

  it('when a delivery is redelivered, then the copy carries the same body and extra fields under the id prefix', async () => {
    const a = await receiver();
    const s = sender<{ envelope: { id: string } }>({ idPrefix: 'd' });
    const [original] = await s.send([a.url], { ...message, envelope: { id: 'e1' } });
    const copy = await s.redeliver(original!.id);
    expect(original?.id).toBe('d1');
    expect(copy).toMatchObject({ id: 'd2', redeliveryOf: 'd1', envelope: { id: 'e1' }, state: 'delivered' });
    expect(a.received.map((r) => r.body)).toEqual([message.body, message.body]);
    await expect(s.redeliver('d9')).rejects.toThrow(/No delivery d9/);
  });

  it('when suppressed() says true, then deliveries are recorded as suppressed and nothing is POSTed', async () => {
    const a = await receiver();
    let off = true;
    const s = sender({ suppressed: () => off });
    const [delivery] = await s.send([a.url], message);
    expect(delivery).toMatchObject({ state: 'suppressed', attempts: [] });
    expect(a.received).toEqual([]);
    off = false;
    expect((await s.redeliver(delivery!.id)).state).toBe('delivered');
    expect(a.received).toHaveLength(1);
  });

  it('when the receiver answers at once but trickles the body past the timeout, then the attempt is a timeout', async () => {
    const server: RunningServer = await listen((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Each chunk comes well within the timeout, so only a deadline on the whole answer catches it.
      let left = 12;
      const tick = setInterval(() => {
        if (res.destroyed || left === 0) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        left -= 1;
        res.write('.');
      }, 50);
    });
    closers.push(() => server.close());
    const s = sender({ timeoutMs: 200 });
    const [delivery] = await s.send([`${server.url}/hook`], message);
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts).toEqual([
      { at: expect.any(Number), durationMs: expect.any(Number), error: 'timeout after 200 ms' },
    ]);
  });

  it('when post() is used, then it makes one attempt and logs no delivery', async () => {
    const a = await receiver();
    a.status = 503;
    const s = sender({ retries: 3 });
    expect(await s.post(a.url, '{}', 'application/json')).toEqual({ status: 503 });
    expect(a.received).toHaveLength(1);
    expect(s.deliveries).toEqual([]);
  });
});
