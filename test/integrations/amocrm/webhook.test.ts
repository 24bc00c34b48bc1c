import { afterEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, LOST_STATUS_ID, startAmoCrmSim, WON_STATUS_ID } from '../../../sim/amocrm/index.js';
import { AmoCrmClient, LongLivedAuth, parseAmoWebhook } from '../../../src/integrations/amocrm/index.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';

let sim: AmoCrmSim | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

describe('amoCRM status webhook parsing', () => {
  it('when the seller moves two deals at once, then the POST amoCRM sends parses into both changes in order', async () => {
    receiver = await startReceiver();
    sim = await startAmoCrmSim({
      longLivedTokens: ['t'],
      webhooks: [`${receiver.url}/amocrm/webhook/s3cret`],
    });
    const client = new AmoCrmClient({ baseUrl: sim.url, auth: new LongLivedAuth('t') });
    const a = await client.upsertLead({ ourLeadId: 'a', name: 'A', contact: { name: 'Анна' } });
    const b = await client.upsertLead({ ourLeadId: 'b', name: 'B', contact: { name: 'Борис' } });
    const first = sim.lead(a.leadId)!.status_id;
    await sim.sellerMovesLeads([
      { leadId: a.leadId, statusId: WON_STATUS_ID },
      { leadId: b.leadId, statusId: LOST_STATUS_ID },
    ]);
    expect(receiver.received).toHaveLength(1);
    const parsed = parseAmoWebhook(receiver.received[0]!.body);
    expect(parsed).toEqual({
      ok: true,
      webhook: {
        account: { id: sim.accountId, subdomain: 'example' },
        changes: [
          {
            leadId: a.leadId,
            statusId: WON_STATUS_ID,
            pipelineId: sim.pipeline.id,
            oldStatusId: first,
            oldPipelineId: sim.pipeline.id,
          },
          {
            leadId: b.leadId,
            statusId: LOST_STATUS_ID,
            pipelineId: sim.pipeline.id,
            oldStatusId: first,
            oldPipelineId: sim.pipeline.id,
          },
        ],
        otherEvents: [],
      },
    });
  });

  it('when entries arrive with indices out of order and extra fields, then changes follow the indices', () => {
    const body = new URLSearchParams([
      ['leads[status][1][id]', '20'],
      ['leads[status][1][status_id]', '142'],
      ['leads[status][1][pipeline_id]', '7'],
      ['leads[status][0][id]', '10'],
      ['leads[status][0][status_id]', '143'],
      ['leads[status][0][pipeline_id]', '7'],
      ['leads[status][0][custom_fields][0][id]', 'ignored'],
      ['leads[add][0][id]', '30'],
      ['account[subdomain]', 'shop'],
    ]).toString();
    const parsed = parseAmoWebhook(body);
    expect(parsed.ok && parsed.webhook.changes.map((c) => c.leadId)).toEqual([10, 20]);
    expect(parsed.ok && parsed.webhook.otherEvents).toEqual(['leads[add]']);
    expect(parsed.ok && parsed.webhook.account).toEqual({ id: undefined, subdomain: 'shop' });
  });

  it('when the body is not an amoCRM webhook or an id is not a number, then it is refused with a reason', () => {
    expect(parseAmoWebhook('{"leads":[]}')).toEqual({ ok: false, reason: 'no amoCRM events in the body' });
    expect(
      parseAmoWebhook(
        'leads[status][0][id]=abc&leads[status][0][status_id]=1&leads[status][0][pipeline_id]=1',
      ),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('leads[status][0][id]'),
    });
    expect(parseAmoWebhook('leads[status][0][id]=1&leads[status][0][pipeline_id]=1')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('status_id'),
    });
    expect(parseAmoWebhook('leads[status][9999][id]=1')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('too many'),
    });
  });
});
