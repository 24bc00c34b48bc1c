import { afterEach, describe, expect, it } from 'vitest';
import {
  type AmoCrmSim,
  type AmoCrmSimOptions,
  startAmoCrmSim,
  WON_STATUS_ID,
} from '../../sim/amocrm/index.js';
import { type Receiver, startReceiver } from '../support/receiver.js';

// Raw fetch on purpose: these tests pin the wire format the client meets, independent of the client.

let sim: AmoCrmSim | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

const TOKEN = 'long-lived-token-for-tests';

async function start(opts: AmoCrmSimOptions = {}): Promise<AmoCrmSim> {
  sim = await startAmoCrmSim({ longLivedTokens: [TOKEN], ...opts });
  return sim;
}

interface Answer {
  status: number;
  type: string | null;
  body: unknown;
}

async function call(
  s: AmoCrmSim,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

function grant(s: AmoCrmSim, fields: Record<string, string>): Promise<Answer> {
  const integration = s.integrations[0]!;
  return call(
    s,
    'POST',
    '/oauth2/access_token',
    {
      client_id: integration.clientId,
      client_secret: integration.clientSecret,
      redirect_uri: integration.redirectUri,
      ...fields,
    },
    null,
  );
}

const complexLead = (over: Record<string, unknown> = {}) => ({
  name: 'Ноутбук Lenovo',
  price: 54_900,
  _embedded: {
    tags: [{ name: 'avito-lead' }],
    contacts: [
      {
        first_name: 'Иван',
        custom_fields_values: [
          { field_code: 'PHONE', values: [{ value: '+7 900 123-45-67', enum_code: 'MOB' }] },
        ],
      },
    ],
  },
  request_id: 'lead-1',
  ...over,
});

describe('amoCRM simulator: OAuth', () => {
  it('when an authorization code is exchanged, then a Bearer pair comes back and the code works only once', async () => {
    const s = await start();
    const { code } = s.authorize();
    const first = await grant(s, { grant_type: 'authorization_code', code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 });
    const { access_token } = first.body as { access_token: string };
    expect(access_token.split('.')).toHaveLength(3);
    expect((await call(s, 'GET', '/api/v4/account', undefined, access_token)).status).toBe(200);

    const again = await grant(s, { grant_type: 'authorization_code', code });
    expect(again.status).toBe(400);
    expect(again.type).toContain('application/problem+json');
    expect(again.body).toMatchObject({
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
    });
  });

  it('when a refresh token is used, then a new pair is issued and the old refresh token is dead', async () => {
    const s = await start();
    const pair = (await grant(s, { grant_type: 'authorization_code', code: s.authorize().code })).body as {
      refresh_token: string;
    };
    const rotated = await grant(s, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(rotated.status).toBe(200);
    expect((rotated.body as { refresh_token: string }).refresh_token).not.toBe(pair.refresh_token);
    const reused = await grant(s, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ hint: 'Token has been revoked' });
    expect(s.grants()).toEqual({ authorization_code: 1, refresh_token: 1 });
  });

  it('when the code is older than its lifetime or the secret is wrong, then the grant is refused', async () => {
    const s = await start();
    const { code } = s.authorize();
    s.advanceTime(21 * 60_000);
    expect((await grant(s, { grant_type: 'authorization_code', code })).body).toMatchObject({
      hint: 'Authorization code has expired',
    });
    const wrong = await call(
      s,
      'POST',
      '/oauth2/access_token',
      {
        client_id: s.integrations[0]!.clientId,
        client_secret: 'nope',
        redirect_uri: s.integrations[0]!.redirectUri,
        grant_type: 'authorization_code',
        code: s.authorize().code,
      },
      null,
    );
    expect(wrong.status).toBe(401);
  });

  it('when the access token expires, then the API answers 401 in problem+json', async () => {
    const s = await start();
    const { access_token } = (await grant(s, { grant_type: 'authorization_code', code: s.authorize().code }))
      .body as {
      access_token: string;
    };
    s.advanceTime(86_401_000);
    const res = await call(s, 'GET', '/api/v4/account', undefined, access_token);
    expect(res.status).toBe(401);
    expect(res.type).toContain('application/problem+json');
    expect(res.body).toEqual({
      title: 'Unauthorized',
      type: 'https://httpstatus.es/401',
      status: 401,
      detail: 'Token has expired',
    });
    // The long-lived token of a private integration is unaffected.
    expect((await call(s, 'GET', '/api/v4/account')).status).toBe(200);
  });
});

describe('amoCRM simulator: limits and errors', () => {
  it('when an integration makes more than 7 requests in a second, then the rest get 429', async () => {
    const s = await start();
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(s, 'GET', '/api/v4/account')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
    expect(s.rateLimited()).toBe(5);
    s.advanceTime(1001);
    expect((await call(s, 'GET', '/api/v4/account')).status).toBe(200);
  });

  it('when the IP is restricted, then every API call gets 403', async () => {
    const s = await start();
    s.blockIp(true);
    expect((await call(s, 'GET', '/api/v4/account')).status).toBe(403);
  });

  it('when a complex lead names an unknown status or field, then 400 lists validation-errors per request', async () => {
    const s = await start();
    const res = await call(s, 'POST', '/api/v4/leads/complex', [
      complexLead(),
      complexLead({ status_id: 999, custom_fields_values: [{ field_id: 1, values: [{ value: 'x' }] }] }),
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
      'validation-errors': [
        {
          request_id: '1',
          errors: [
            { code: 'NotSupportedChoice', path: 'status_id' },
            { code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id' },
          ],
        },
      ],
    });
    expect(s.leads()).toHaveLength(0);
  });

  it('when the environment is asked for, then it names either the long-lived token or the OAuth trio', async () => {
    const s = await start();
    expect(s.env).toEqual({
      AMOCRM_BASE_URL: s.url,
      AMOCRM_ACCESS_TOKEN: TOKEN,
      AMOCRM_PIPELINE_ID: String(s.pipeline.id),
    });
    await s.close();
    sim = await startAmoCrmSim();
    expect(Object.keys(sim.env).sort()).toEqual(
      [
        'AMOCRM_BASE_URL',
        'AMOCRM_CLIENT_ID',
        'AMOCRM_CLIENT_SECRET',
        'AMOCRM_PIPELINE_ID',
        'AMOCRM_REDIRECT_URI',
      ].sort(),
    );
  });

  it('when a POST is not JSON, then 415', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/api/v4/leads/complex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x',
    });
    expect(res.status).toBe(415);
  });

  it('when a body is not an array or has unknown fields, then it is refused', async () => {
    const s = await start();
    expect((await call(s, 'POST', '/api/v4/leads/complex', complexLead())).status).toBe(400);
    const res = await call(s, 'POST', '/api/v4/leads/complex', [complexLead({ prise: 1 })]);
    expect(res.body).toMatchObject({ 'validation-errors': [{ errors: [{ code: 'UnknownField' }] }] });
  });
});

describe('amoCRM simulator: leads, contacts, notes', () => {
  it('when a complex lead is posted, then lead, contact and tag exist and the answer has the SDK fields', async () => {
    const s = await start();
    const res = await call(s, 'POST', '/api/v4/leads/complex', [complexLead()]);
    expect(res.status).toBe(200);
    const [entry] = res.body as Array<Record<string, unknown>>;
    expect(entry).toEqual({
      id: expect.any(Number),
      contact_id: expect.any(Number),
      company_id: null,
      request_id: ['lead-1'],
      merged: false,
    });
    const lead = s.lead(entry!.id as number)!;
    expect(lead.status_id).toBe(s.pipeline.statuses.find((st) => st.type === 0)!.id);
    expect(s.tagsOf(lead.id).map((t) => t.name)).toEqual(['avito-lead']);

    const one = await call(s, 'GET', `/api/v4/leads/${lead.id}?with=contacts`);
    expect(one.type).toContain('application/hal+json');
    expect(one.body).toMatchObject({
      id: lead.id,
      price: 54_900,
      _embedded: { contacts: [{ id: entry!.contact_id, is_main: true }] },
    });
  });

  it('when contacts are searched by phone, then any written form of the number finds them and a miss is 204', async () => {
    const s = await start();
    await call(s, 'POST', '/api/v4/leads/complex', [complexLead()]);
    for (const query of ['79001234567', '9001234567', 'Иван']) {
      const res = await call(s, 'GET', `/api/v4/contacts?query=${encodeURIComponent(query)}&with=leads`);
      expect(res.status, query).toBe(200);
      expect(res.body).toMatchObject({
        _embedded: { contacts: [{ first_name: 'Иван', _embedded: { leads: [{ id: expect.any(Number) }] } }] },
      });
    }
    const miss = await call(s, 'GET', '/api/v4/contacts?query=79990000000');
    expect(miss.status).toBe(204);
    expect(miss.body).toBeUndefined();
  });

  it('when leads are listed by status filter and paged, then _links.next appears only while more remain', async () => {
    const s = await start();
    await call(s, 'POST', '/api/v4/leads/complex', [complexLead(), complexLead(), complexLead()]);
    const status = s.leads()[0]!.status_id;
    const path = `/api/v4/leads?filter[statuses][0][pipeline_id]=${s.pipeline.id}&filter[statuses][0][status_id]=${status}&limit=2`;
    const first = (await call(s, 'GET', path)).body as {
      _links: { next?: unknown };
      _embedded: { leads: unknown[] };
    };
    expect(first._embedded.leads).toHaveLength(2);
    expect(first._links.next).toBeDefined();
    const second = (await call(s, 'GET', `${path}&page=2`)).body as {
      _links: { next?: unknown };
      _embedded: { leads: unknown[] };
    };
    expect(second._embedded.leads).toHaveLength(1);
    expect(second._links.next).toBeUndefined();
    expect((await call(s, 'GET', `${path}&page=3`)).status).toBe(204);
    expect((await call(s, 'GET', '/api/v4/leads?limit=251')).status).toBe(400);
  });

  it('when a note is added, then it is listed on the lead; an empty common note is refused', async () => {
    const s = await start();
    const [entry] = (await call(s, 'POST', '/api/v4/leads/complex', [complexLead()])).body as Array<{
      id: number;
    }>;
    const added = await call(s, 'POST', `/api/v4/leads/${entry!.id}/notes`, [
      { note_type: 'common', params: { text: 'Бриф заполнен' } },
    ]);
    expect(added.body).toMatchObject({
      _embedded: { notes: [{ id: expect.any(Number), entity_id: entry!.id }] },
    });
    expect(s.notesOf(entry!.id).map((n) => n.params.text)).toEqual(['Бриф заполнен']);
    expect(
      (
        await call(s, 'POST', `/api/v4/leads/${entry!.id}/notes`, [
          { note_type: 'common', params: { text: ' ' } },
        ])
      ).status,
    ).toBe(400);
    expect(
      (await call(s, 'POST', `/api/v4/leads/${entry!.id}/notes`, [{ note_type: 'memo', params: {} }])).status,
    ).toBe(400);
  });
});

describe('amoCRM simulator: webhooks', () => {
  it('when the seller moves a deal, then amoCRM POSTs leads[status] form-encoded to the registered URL', async () => {
    const s = await start();
    receiver = await startReceiver();
    const registered = await call(s, 'POST', '/api/v4/webhooks', {
      destination: `${receiver.url}/amo`,
      settings: ['status_lead'],
    });
    expect(registered.status).toBe(201);
    const [entry] = (await call(s, 'POST', '/api/v4/leads/complex', [complexLead()])).body as Array<{
      id: number;
    }>;
    const oldStatus = s.lead(entry!.id)!.status_id;

    const deliveries = await s.sellerMovesLeads([{ leadId: entry!.id, statusId: WON_STATUS_ID }]);
    expect(deliveries.map((d) => d.state)).toEqual(['delivered']);
    const [hit] = receiver.received;
    expect(hit!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hit!.body).toContain('leads%5Bstatus%5D%5B0%5D%5Bid%5D=');
    const form = new URLSearchParams(hit!.body);
    expect(form.get('leads[status][0][id]')).toBe(String(entry!.id));
    expect(form.get('leads[status][0][status_id]')).toBe(String(WON_STATUS_ID));
    expect(form.get('leads[status][0][old_status_id]')).toBe(String(oldStatus));
    expect(form.get('leads[status][0][pipeline_id]')).toBe(String(s.pipeline.id));
    expect(form.get('account[subdomain]')).toBe('example');
    expect(s.lead(entry!.id)!.closed_at).not.toBeNull();
  });

  it('when a stage is changed through the API, then the webhook echoes it too', async () => {
    receiver = await startReceiver();
    const s = await start({ webhooks: [`${receiver.url}/amo`] });
    const [entry] = (await call(s, 'POST', '/api/v4/leads/complex', [complexLead()])).body as Array<{
      id: number;
    }>;
    const next = s.pipeline.statuses.find((st) => st.name === 'Переговоры')!;
    const res = await call(s, 'PATCH', `/api/v4/leads/${entry!.id}`, { status_id: next.id });
    expect(res.body).toMatchObject({ id: entry!.id, updated_at: expect.any(Number) });
    await s.settled();
    expect(new URLSearchParams(receiver.received[0]!.body).get('leads[status][0][status_id]')).toBe(
      String(next.id),
    );
  });

  it('when the receiver fails, then the delivery is retried and recorded as failed', async () => {
    receiver = await startReceiver();
    receiver.status = 500;
    const s = await start({ webhooks: [`${receiver.url}/amo`], webhookRetry: { retries: 2, backoffMs: 5 } });
    const [entry] = (await call(s, 'POST', '/api/v4/leads/complex', [complexLead()])).body as Array<{
      id: number;
    }>;
    const [delivery] = await s.sellerMovesLeads([{ leadId: entry!.id, statusId: WON_STATUS_ID }]);
    expect(delivery!.state).toBe('failed');
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
  });
});
