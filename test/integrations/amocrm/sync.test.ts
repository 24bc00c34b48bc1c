import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, LOST_STATUS_ID, startAmoCrmSim } from '../../../sim/amocrm/index.js';
import { freePort } from '../../faults/harness.js';
import { pipelineSalesYaml, type PipelineService, startPipelineService } from '../../support/pipeline.js';
import { eventually } from '../../support/service.js';

const SECRET = 'amocrm-webhook-secret-0123456789';
const STATUSES = `amocrm:
  statuses:
    new: Первичный контакт
    offer_sent: Переговоры
    booked: Принимают решение
`;

/** amoCRM for our leads: the real service, its outbox and webhook route against the amoCRM simulator. */
describe('amoCRM: deals for our leads, stages both ways', () => {
  let amo: AmoCrmSim;
  let p: PipelineService;

  beforeEach(async () => {
    amo = await startAmoCrmSim({ longLivedTokens: ['sync-test-token'] });
    const port = await freePort();
    p = await startPipelineService(
      {
        ...amo.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        AMOCRM_WEBHOOK_SECRET: SECRET,
      },
      { salesYaml: pipelineSalesYaml(STATUSES) },
    );
    await eventually(
      () => amo.deliveries.length >= 0 && amo.calls.find('/api/v4/webhooks', 'POST').length > 0,
    );
  });
  afterEach(async () => {
    await p.dispose();
    await amo.close();
  });

  const status = (name: string) => amo.pipeline.statuses.find((s) => s.name === name)!.id;
  const buyerSays = (channel: 'avito' | 'telegram', conversationId: string, text: string, id: string) =>
    p.svc.leads.onBuyerMessage({
      channel,
      conversationId,
      listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' },
      buyer: { name: 'Анна' },
      message: { id, text, at: new Date() },
    });

  it('when a new lead arrives and the buyer returns from Telegram with the same phone, then one deal carries both channels', async () => {
    const { lead } = await buyerSays(
      'avito',
      'u2i-sync-1',
      'Здравствуйте, мой телефон +7 916 555-44-33',
      'm1',
    );
    const deal = await eventually(() => amo.leads()[0]);
    expect(deal.name).toContain('Диван угловой «Милан»');
    expect(deal.status_id).toBe(status('Первичный контакт'));
    expect(JSON.stringify(deal.custom_fields_values)).toContain('4341979279');
    expect(JSON.stringify(deal.custom_fields_values)).toContain('messenger/channel/u2i-sync-1');

    const again = await buyerSays('telegram', 'tg:777', 'Это снова я, +79165554433', 'm2');
    expect(again.lead.id).toBe(lead.id);
    // The update is a coalescing outbox job behind the first sync (about a second here). On a loaded machine it
    // can wait out the first sync's lease and a retry's backoff: the full suite once took over 20 s.
    await eventually(() => amo.tagsOf(deal.id).some((t) => t.name === 'telegram-lead'), 45_000);
    expect(amo.tagsOf(deal.id).map((t) => t.name)).toContain('avito-lead');
    await new Promise((r) => setTimeout(r, 300));
    expect(amo.leads()).toHaveLength(1);
    expect(amo.calls.find('/api/v4/leads/complex', 'POST')).toHaveLength(1);
  }, 60_000);

  it('when our stage moves, then the deal moves, and amoCRM’s webhook about our own move moves nothing back', async () => {
    const { lead } = await buyerSays('avito', 'u2i-sync-2', 'Хочу диван', 'm1');
    const deal = await eventually(() => amo.leads()[0]);
    await p.svc.leads.moveStage(lead.id, 'offer_sent', 'tg:1');
    await eventually(() => amo.lead(deal.id)?.status_id === status('Переговоры'));
    await p.svc.leads.moveStage(lead.id, 'booked', 'tg:1');
    await eventually(() => amo.lead(deal.id)?.status_id === status('Принимают решение'));
    // amoCRM told us (its webhook) about both of our moves: neither may move the lead back.
    await eventually(() => amo.deliveries.filter((d) => d.state === 'delivered').length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await p.svc.leads.get(lead.id))?.stage).toBe('booked');
    const moves = await p.svc.leads.stageChanges(lead.id);
    expect(moves).toEqual([
      { from: 'new', to: 'offer_sent' },
      { from: 'offer_sent', to: 'booked' },
    ]);
  });

  it('when amoCRM’s late webhook about our earlier move is read while our next move waits to reach amoCRM, then the lead is not moved back and the deal reaches the later stage', async () => {
    const { lead } = await buyerSays('avito', 'u2i-sync-5', 'Хочу диван', 'm1');
    const deal = await eventually(() => amo.leads()[0]);
    await p.svc.leads.moveStage(lead.id, 'offer_sent', 'tg:1');
    await eventually(() => amo.lead(deal.id)?.status_id === status('Переговоры'));
    // amoCRM refuses moves for a while (reads still work): our move to «booked» waits in the outbox.
    const isMove = (req: { method?: string }, path: string) =>
      req.method === 'PATCH' && path.startsWith(`/api/v4/leads/${deal.id}`);
    amo.faults.add({ match: isMove, fault: { kind: 'status', status: 503 } });
    const refusedBefore = amo.calls.find(`/api/v4/leads/${deal.id}`, 'PATCH').length;
    await p.svc.leads.moveStage(lead.id, 'booked', 'tg:1');
    await eventually(() => amo.calls.find(`/api/v4/leads/${deal.id}`, 'PATCH').length > refusedBefore);
    // Meanwhile amoCRM (re)delivers its webhook about our first move: the deal still shows «Переговоры».
    const echo = amo.webhookBody([
      {
        leadId: deal.id,
        statusId: status('Переговоры'),
        pipelineId: amo.pipeline.id,
        oldStatusId: status('Первичный контакт'),
        oldPipelineId: amo.pipeline.id,
      },
    ]);
    const posted = await fetch(`${p.svc.http.url}/amocrm/webhook/${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: echo,
    });
    expect(posted.status).toBe(200);
    await eventually(() => amo.calls.find(`/api/v4/leads/${deal.id}`, 'GET').length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await p.svc.leads.get(lead.id))?.stage).toBe('booked');

    amo.faults.clear();
    await eventually(() => amo.lead(deal.id)?.status_id === status('Принимают решение'), 20_000);
    expect((await p.svc.leads.get(lead.id))?.stage).toBe('booked');
    expect(await p.svc.leads.stageChanges(lead.id)).toEqual([
      { from: 'new', to: 'offer_sent' },
      { from: 'offer_sent', to: 'booked' },
    ]);
  });

  it('when the seller moves the deal in amoCRM, then our lead follows, and closing it as lost gives the reason', async () => {
    const { lead } = await buyerSays('avito', 'u2i-sync-3', 'Хочу диван', 'm1');
    const deal = await eventually(() => amo.leads()[0]);
    await eventually(() => amo.lead(deal.id)?.status_id === status('Первичный контакт'));
    await amo.sellerMovesLeads([{ leadId: deal.id, statusId: status('Принимают решение') }]);
    await eventually(async () => (await p.svc.leads.get(lead.id))?.stage === 'booked');
    // The deal is left where the seller put it: no move of ours follows.
    await new Promise((r) => setTimeout(r, 300));
    expect(amo.lead(deal.id)?.status_id).toBe(status('Принимают решение'));

    await amo.sellerMovesLeads([{ leadId: deal.id, statusId: LOST_STATUS_ID }]);
    const lost = await eventually(async () => {
      const l = await p.svc.leads.get(lead.id);
      return l?.stage === 'lost' ? l : null;
    });
    expect(lost.lostReason).toBe('Закрыта в amoCRM');
    const audit = await p.svc.leads.history(lead.id);
    expect(audit.filter((e) => e.action === 'lead.stage').map((e) => e.actor)).toEqual(['amocrm', 'amocrm']);
  });

  it('when a webhook has a wrong secret, a malformed body or names another account, then 404, 400 and 403 and nothing moves', async () => {
    const { lead } = await buyerSays('avito', 'u2i-sync-4', 'Хочу диван', 'm1');
    const deal = await eventually(() => amo.leads()[0]);
    const body = amo.webhookBody([
      {
        leadId: deal.id,
        statusId: status('Переговоры'),
        pipelineId: amo.pipeline.id,
        oldStatusId: deal.status_id,
        oldPipelineId: amo.pipeline.id,
      },
    ]);
    const post = (secret: string, text: string) =>
      fetch(`${p.svc.http.url}/amocrm/webhook/${secret}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: text,
      });
    expect((await post('wrong-secret-0123456789abcdef', body)).status).toBe(404);
    const bad = await post(
      SECRET,
      'leads[status][0][id]=abc&leads[status][0][status_id]=1&leads[status][0][pipeline_id]=1',
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/leads\[status\]\[0\]/);
    await eventually(async () => {
      const r = await post(SECRET, body.replace(/account%5Bid%5D=\d+/, 'account%5Bid%5D=1'));
      return r.status === 403;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await p.svc.leads.get(lead.id))?.stage).toBe('new');
  });

  it('when a burst of leads arrives while amoCRM fails now and then, then each lead has exactly one deal and the 7 requests a second are never exceeded', async () => {
    amo.faults.add({ match: '/api/v4/', fault: { kind: 'status', status: 503 }, fraction: 0.3 });
    amo.failAfterCommit(2, 'drop');
    const leads = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        buyerSays(
          'avito',
          `u2i-burst-${i}`,
          `Хочу диван, телефон +7 916 000-00-${String(i).padStart(2, '0')}`,
          `b${i}`,
        ),
      ),
    );
    // About 10 calls a lead at 7 a second, a third of them failing: tens of seconds on a loaded machine.
    await eventually(() => amo.leads().length >= 12, 90_000);
    amo.faults.clear();
    await new Promise((r) => setTimeout(r, 500));
    expect(amo.leads()).toHaveLength(12);
    expect(amo.rateLimited()).toBe(0);
    const ours = await Promise.all(
      leads.map(({ lead }) => p.svc.integrations && p.svc.store.crmDeals.get(lead.id)),
    );
    expect(new Set(ours.map((d) => d?.dealId)).size).toBe(12);
  }, 120_000);
});
