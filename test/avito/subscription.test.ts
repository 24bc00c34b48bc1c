import { afterEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { pollUntil } from '../../sim/common/wait.js';
import { SUBSCRIPTION_CHECK_JOB } from '../../src/avito/jobs/subscription-check.js';
import { freePort } from '../faults/harness.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { startTestService, type TestService } from '../support/service.js';

describe('keeping the Avito webhook subscribed (the real service against the Avito simulator)', () => {
  let sim: AvitoSim | undefined;
  let svc: TestService | undefined;
  afterEach(async () => {
    await svc?.dispose();
    await sim?.close();
  });

  /** The service with PUBLIC_URL = its own loopback address, so it subscribes its webhook on start. */
  async function start(): Promise<{ notifier: RecordingNotifier; url: string }> {
    sim = await startAvitoSim();
    const port = await freePort();
    const notifier = new RecordingNotifier();
    svc = await startTestService(
      { ...sim.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
      undefined,
      { notifier },
    );
    const url = svc.avito!.webhookUrl!;
    await pollUntil(() => sim!.subscriptions().includes(url), {
      timeoutMs: 10_000,
      what: 'the first subscription',
    });
    return { notifier, url };
  }

  const subscriptionAlerts = (notifier: RecordingNotifier) =>
    notifier.alerts.filter((a) => a.key === 'avito:subscription');

  it('when the service subscribes for the first time, then the owner gets no alert and the log says it at info', async () => {
    const { notifier } = await start();
    const logged = () => svc!.logs.find((l) => l.includes('"msg":"Avito webhook subscribed"'));
    // The check job is done once it has logged the subscription or alerted about it.
    await pollUntil(() => logged() ?? subscriptionAlerts(notifier).length > 0, {
      timeoutMs: 10_000,
      what: 'the check job',
    });
    expect(subscriptionAlerts(notifier)).toEqual([]);
    expect(JSON.parse(logged()!)).toMatchObject({ level: 30 });
    expect(svc!.logs.join('')).not.toContain('was missing');
  });

  it('when a subscription the service had made disappears, then it subscribes again and alerts the owner', async () => {
    const { notifier, url } = await start();
    await svc!.avito!.client.unsubscribe(url);
    expect(sim!.subscriptions()).toEqual([]);

    const before = subscriptionAlerts(notifier).length;
    await svc!.agenda.now(SUBSCRIPTION_CHECK_JOB.name);
    await pollUntil(() => sim!.subscriptions().includes(url), {
      timeoutMs: 10_000,
      what: 'the subscription made again',
    });
    await pollUntil(() => subscriptionAlerts(notifier).length > before, {
      timeoutMs: 10_000,
      what: 'the subscription alert',
    });
    expect(sim!.subscriptions()).toEqual([url]);
    expect(subscriptionAlerts(notifier)).toHaveLength(1);
  });
});
