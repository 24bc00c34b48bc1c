import { afterEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, startAmoCrmSim, WON_STATUS_ID } from '../../../sim/amocrm/index.js';
import {
  AmoCrmClient,
  type AmoCrmClientOptions,
  AmoCrmError,
  LEAD_ID_FIELD_CODE,
  LongLivedAuth,
  type NewLead,
} from '../../../src/integrations/amocrm/index.js';

const TOKEN = 'long-lived-token-for-tests';
let sim: AmoCrmSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(over: Partial<AmoCrmClientOptions> = {}, withField = true) {
  sim = await startAmoCrmSim({ longLivedTokens: [TOKEN] });
  const base = { baseUrl: sim.url, auth: new LongLivedAuth(TOKEN), backoff: { baseMs: 5, maxMs: 20 } };
  const leadIdFieldId = withField ? await new AmoCrmClient(base).ensureLeadIdField() : undefined;
  sim.advanceTime(1000);
  const client = new AmoCrmClient({ ...base, leadIdFieldId, ...over });
  return { sim, client, leadIdFieldId };
}

const lead = (over: Partial<NewLead> = {}): NewLead => ({
  ourLeadId: 'ar-lead-0001',
  name: 'Avito: Ноутбук Lenovo',
  priceKopecks: 5_490_050,
  tags: ['avito-lead'],
  contact: { name: 'Иван', phone: '8 (900) 123-45-67' },
  ...over,
});

describe('amoCRM client: leads', () => {
  it('when a new lead is upserted, then one complex call creates deal, contact, tag and our lead id', async () => {
    const { sim, client, leadIdFieldId } = await setup();
    const result = await client.upsertLead(lead({ pipelineId: sim.pipeline.id }));
    expect(result).toMatchObject({ created: true, matchedBy: null, merged: false });
    const stored = sim.lead(result.leadId)!;
    expect(stored.price).toBe(54_901);
    expect(stored.pipeline_id).toBe(sim.pipeline.id);
    expect(stored.custom_fields_values).toEqual([
      expect.objectContaining({ field_id: leadIdFieldId, values: [{ value: 'ar-lead-0001' }] }),
    ]);
    expect(sim.tagsOf(result.leadId).map((t) => t.name)).toEqual(['avito-lead']);
    const contact = sim.contacts().find((c) => c.id === result.contactId)!;
    expect(contact.custom_fields_values?.[0]).toMatchObject({
      field_code: 'PHONE',
      values: [{ value: '+79001234567', enum_code: 'MOB' }],
    });
    expect(sim.calls.find('/api/v4/leads/complex', 'POST')).toHaveLength(1);
  });

  it('when the lead-id field exists already, then ensureLeadIdField finds it by code instead of adding one', async () => {
    const { client, leadIdFieldId } = await setup();
    expect(await client.ensureLeadIdField()).toBe(leadIdFieldId);
    const fields = (await (
      await fetch(`${sim!.url}/api/v4/leads/custom_fields`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as {
      _embedded: { custom_fields: Array<{ code: string }> };
    };
    expect(fields._embedded.custom_fields.filter((f) => f.code === LEAD_ID_FIELD_CODE)).toHaveLength(1);
  });

  it('when the same lead is upserted again, then the deal is found by our lead id and nothing is created', async () => {
    const { sim, client } = await setup();
    const first = await client.upsertLead(lead());
    const again = await client.upsertLead(lead({ contact: { name: 'Иван' } }));
    expect(again).toMatchObject({
      leadId: first.leadId,
      contactId: first.contactId,
      created: false,
      matchedBy: 'lead_id',
    });
    expect(sim.leads()).toHaveLength(1);
  });

  it('when a returning buyer writes from another conversation with the phone in another form, then the open deal is reused', async () => {
    const { sim, client } = await setup();
    const first = await client.upsertLead(lead());
    const second = await client.upsertLead(
      lead({ ourLeadId: 'ar-lead-0002', contact: { name: 'Иван', phone: '+7 900 123 45 67' } }),
    );
    expect(second).toMatchObject({ leadId: first.leadId, created: false, matchedBy: 'phone' });
    expect(sim.leads()).toHaveLength(1);
  });

  it('when the buyer’s earlier deal is closed, then a new deal is linked to the existing contact', async () => {
    const { sim, client } = await setup();
    const first = await client.upsertLead(lead());
    await sim.sellerMovesLeads([{ leadId: first.leadId, statusId: WON_STATUS_ID }]);
    const second = await client.upsertLead(lead({ ourLeadId: 'ar-lead-0002' }));
    expect(second).toMatchObject({ created: true, contactId: first.contactId });
    expect(sim.contacts()).toHaveLength(1);
    expect(sim.leads()).toHaveLength(2);
  });

  for (const fault of ['drop', 502] as const) {
    it(`when amoCRM stores the deal but the answer is lost (${fault}), then the retry finds it and no duplicate is made`, async () => {
      const { sim, client } = await setup();
      sim.failAfterCommit(1, fault);
      const result = await client.upsertLead(lead());
      expect(result).toMatchObject({ created: false, matchedBy: 'lead_id' });
      expect(sim.leads()).toHaveLength(1);
      expect(sim.calls.find('/api/v4/leads/complex', 'POST')).toHaveLength(1);
    });
  }

  it('when the answer is lost and amoCRM’s search has not indexed the new deal yet, then the newest deals are read instead', async () => {
    sim = await startAmoCrmSim({ longLivedTokens: [TOKEN], searchLagMs: 60_000 });
    const base = { baseUrl: sim.url, auth: new LongLivedAuth(TOKEN), backoff: { baseMs: 5, maxMs: 20 } };
    const client = new AmoCrmClient({
      ...base,
      leadIdFieldId: await new AmoCrmClient(base).ensureLeadIdField(),
    });
    sim.failAfterCommit(1, 'drop');
    expect(await client.upsertLead(lead())).toMatchObject({ created: false, matchedBy: 'lead_id' });
    expect(sim.leads()).toHaveLength(1);
  });

  it('when there is no lead-id field and the answer to a create is lost, then the client refuses to guess', async () => {
    const { sim, client } = await setup({}, false);
    sim.failAfterCommit(1, 'drop');
    const error = await client.upsertLead(lead({ contact: { name: 'Иван' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmoCrmError);
    expect(error).toMatchObject({ kind: 'network', maybeApplied: true });
    expect(sim.calls.find('/api/v4/leads/complex', 'POST')).toHaveLength(1);
  });

  it('when amoCRM rejects a field of the lead, then the error is `invalid` with amoCRM’s validation errors', async () => {
    const { client } = await setup();
    const error = (await client.upsertLead(lead({ statusId: 999 })).catch((e: unknown) => e)) as AmoCrmError;
    expect(error.kind).toBe('invalid');
    expect(error.details.validation).toEqual([
      { requestId: '0', code: 'NotSupportedChoice', path: 'status_id', detail: expect.any(String) },
    ]);
  });

  it('when a deal is moved, then amoCRM has the new status (and a repeat is harmless)', async () => {
    const { sim, client } = await setup();
    const { leadId } = await client.upsertLead(lead());
    const target = sim.pipeline.statuses.find((s) => s.name === 'Переговоры')!;
    await client.updateLeadStatus(leadId, target.id);
    await client.updateLeadStatus(leadId, target.id);
    expect(sim.lead(leadId)!.status_id).toBe(target.id);
    expect(await client.getLead(leadId)).toMatchObject({ id: leadId, status_id: target.id });
    expect(await client.getLead(99_999_999)).toBeNull();
  });

  it('when the answer to a note is lost, then the note is looked up and not added twice', async () => {
    const { sim, client } = await setup();
    const { leadId } = await client.upsertLead(lead());
    sim.failAfterCommit(1, 'drop');
    const { noteId } = await client.addNote(leadId, 'Оплачено 1 500,00 ₽');
    expect(sim.notesOf(leadId).map((n) => n.id)).toEqual([noteId]);
  });
});

describe('amoCRM client: limits, retries, errors', () => {
  it('when 13 calls are made at once, then the client stays under 7 per second and amoCRM refuses none', async () => {
    const { sim, client } = await setup();
    const { leadId } = await client.upsertLead(lead());
    await Promise.all(Array.from({ length: 13 }, () => client.getLead(leadId)));
    expect(sim.rateLimited()).toBe(0);
  });

  it('when the client is let to burst past the limit, then the 429s are retried with backoff and every call succeeds', async () => {
    const { sim, client } = await setup({
      rateLimit: 1000,
      maxAttempts: 8,
      backoff: { baseMs: 300, maxMs: 1200 },
    });
    sim.setRateLimitBody('problem');
    const { leadId } = await client.upsertLead(lead());
    const got = await Promise.all(Array.from({ length: 12 }, () => client.getLead(leadId)));
    expect(got.every((l) => l?.id === leadId)).toBe(true);
    expect(sim.rateLimited()).toBeGreaterThan(0);
  });

  it('when a read meets 503 twice, then it is retried and succeeds', async () => {
    const { sim, client } = await setup();
    const { leadId } = await client.upsertLead(lead());
    sim.faults.add({ match: `/api/v4/leads/${leadId}`, fault: { kind: 'status', status: 503 }, times: 2 });
    expect(await client.getLead(leadId)).toMatchObject({ id: leadId });
    expect(sim.calls.find(`/api/v4/leads/${leadId}`, 'GET').map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('when the connection drops on a read, then it is retried', async () => {
    const { sim, client } = await setup();
    sim.faults.add({ match: '/api/v4/account', fault: { kind: 'drop' }, times: 1 });
    expect(await client.account()).toMatchObject({ subdomain: 'example' });
  });

  it('when the long-lived token is refused, then an `auth` error comes at once', async () => {
    const { sim } = await setup();
    const client = new AmoCrmClient({ baseUrl: sim.url, auth: new LongLivedAuth('revoked') });
    await expect(client.account()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(sim.calls.find('/api/v4/account')).toHaveLength(1);
  });

  it('when amoCRM restricts our IP, then the error is `forbidden` and not retried', async () => {
    const { sim, client } = await setup();
    sim.blockIp(true);
    await expect(client.account()).rejects.toMatchObject({
      kind: 'forbidden',
      status: 403,
      retryable: false,
    });
    expect(sim.calls.find('/api/v4/account')).toHaveLength(1);
  });

  it('when a webhook is registered twice, then amoCRM keeps one subscription', async () => {
    const { sim, client } = await setup();
    await client.registerWebhook('https://bot.example.com/amocrm/webhook/secret');
    const again = await client.registerWebhook('https://bot.example.com/amocrm/webhook/secret');
    expect(again.settings).toEqual(['status_lead']);
    const list = await fetch(`${sim.url}/api/v4/webhooks`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await list.json()) as { _total_items: number })._total_items).toBe(1);
  });
});
