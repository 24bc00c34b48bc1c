import { afterEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { WidgetClient } from '../support/widget.js';

const SITE = 'https://shop.example.com';

describe('the widget in the service (component: startService)', () => {
  let svc: TestService | undefined;
  afterEach(async () => {
    await svc?.dispose();
    svc = undefined;
  });

  it('when WIDGET_ORIGINS is not set, then there is no widget: no script, no socket', async () => {
    svc = await startTestService();
    expect(svc.web).toBeUndefined();
    expect((await fetch(`${svc.http.url}/widget.js`)).status).toBe(404);
    await expect(
      WidgetClient.connect(`${svc.http.url.replace('http', 'ws')}/widget/ws`, SITE),
    ).rejects.toThrow();
  });

  it('when WIDGET_ORIGINS is set, then the script and the socket are served, and stopping closes open widgets', async () => {
    svc = await startTestService({ WIDGET_ORIGINS: SITE });
    expect((await fetch(`${svc.http.url}/widget.js`)).status).toBe(200);
    const client = await WidgetClient.connect(`${svc.http.url.replace('http', 'ws')}/widget/ws`, SITE);
    expect((await client.hello()).fresh).toBe(true);
    expect(svc.logs.some((line) => line.includes('website widget on'))).toBe(true);
    // The widget's inbound half is connected to the responder: a message is taken and waits for an answer.
    client.send({ t: 'brief', name: 'Анна', contact: 'anna@example.com', consent: true });
    await client.next('brief-ok');
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Здравствуйте' });
    const ack = await client.next('ack');
    const stored = await svc.store.messages.get(ack.message.id);
    expect(stored).toMatchObject({ author: 'buyer', direction: 'in', text: 'Здравствуйте' });
    await expect
      .poll(async () => (await svc!.agenda.queryJobs({ name: 'respond' })).jobs.map((job) => job.data))
      .toContainEqual({ chatId: stored!.chatId });

    await svc.dispose();
    svc = undefined;
    await expect.poll(() => client.closed?.code).toBe(1001);
  });
});
