import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import type { LeadChannel } from '../../../src/models/records.js';
import {
  type BriefExtractor,
  createLeads,
  createRuleBriefExtractor,
  DEFAULT_BRIEF_FIELDS,
  type LeadEvent,
  type Leads,
  replayStages,
} from '../../../src/sales/leads/index.js';
import { encryptStore } from '../../../src/security/encrypted-store.js';
import { dataKey } from '../../../src/security/keys.js';
import type { Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'leads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const logger = createLogger({ level: 'silent' });
const sales = { brief: { fields: DEFAULT_BRIEF_FIELDS.map((f) => ({ ...f })) }, timeZone: 'Europe/Moscow' };
/** Wednesday 6 May 2026, 12:00 in Moscow. */
let now = new Date('2026-05-06T12:00:00+03:00');

let store: Store;
let events: LeadEvent[];
let leads: Leads;
let messageNo = 0;

function setUp(extractor: BriefExtractor = createRuleBriefExtractor(), wrap: (s: Store) => Store = (s) => s) {
  store = wrap(openSqliteStore({ path: join(dir, `leads-${++n}.sqlite`), now: () => now }));
  events = [];
  leads = createLeads({
    store,
    now: () => now,
    extractor,
    sales,
    logger,
    listeners: [{ onLeadEvent: (e) => void events.push(e) }],
  });
}

beforeEach(() => {
  now = new Date('2026-05-06T12:00:00+03:00');
  setUp();
});
afterEach(async () => {
  await store.close();
});

const listing = { itemId: '4341979279', title: 'Диван угловой «Милан»' };
const say = (text: string, conversationId = 'u2i-1', channel: LeadChannel = 'avito') =>
  leads.onBuyerMessage({
    channel,
    conversationId,
    listing: channel === 'avito' ? listing : null,
    buyer: { name: 'Анна' },
    message: { id: `m${++messageNo}`, text, at: now },
  });

describe('a buyer writes', () => {
  it('when a conversation starts, then it becomes a new lead tagged by its channel, with the buyer and the listing', async () => {
    const { lead, created } = await say('Здравствуйте! Диван ещё продаётся?');
    expect(created).toBe(true);
    expect(lead).toMatchObject({
      channel: 'avito',
      conversationId: 'u2i-1',
      stage: 'new',
      tags: ['avito-lead'],
      listing,
      contact: { name: 'Анна', phone: null, email: null },
    });
    expect(events.map((e) => e.type)).toEqual(['lead.created']);
    expect((await leads.history(lead.id)).map((e) => e.action)).toEqual(['lead.created']);
  });

  it('when the buyer writes again, then the same lead continues and gets the phone and e-mail they wrote', async () => {
    const first = await say('Здравствуйте');
    const second = await say('Мой телефон 8 (916) 123-45-67, почта Anna@Mail.ru');
    expect(second.created).toBe(false);
    expect(second.lead.id).toBe(first.lead.id);
    expect(second.lead.contact).toEqual({ name: 'Анна', phone: '+79161234567', email: 'anna@mail.ru' });
    expect(events.map((e) => e.type)).toEqual(['lead.created', 'lead.contact_added']);
    expect(events[1]).toMatchObject({ fields: ['phone', 'email'] });
    const [contact] = (await leads.history(first.lead.id)).filter((e) => e.action === 'lead.contact');
    expect(contact).toMatchObject({ actor: 'buyer', details: { fields: ['phone', 'email'] } });

    // A second number later does not replace the first.
    const third = await say('или 8 926 765 43 21');
    expect(third.lead.contact.phone).toBe('+79161234567');
    expect(events).toHaveLength(2);
  });

  it('when the buyer states what they need, then the brief is filled from their words, dates in the seller’s zone', async () => {
    // 22:30 UTC on 6 May is already Thursday 7 May in Moscow: «завтра» is the 8th there.
    now = new Date('2026-05-06T22:30:00Z');
    await say('Нужен угловой диван, 2 шт');
    const { lead } = await say('Привезти нужно завтра, бюджет до 90 тысяч');
    const values = Object.fromEntries(Object.entries(lead.brief).map(([k, e]) => [k, e.value]));
    expect(values).toEqual({ need: 'угловой диван', quantity: 2, deadline: '2026-05-08', budget: 9_000_000 });
    expect(lead.brief.quantity).toMatchObject({ source: { kind: 'message' }, quote: '2 шт' });
    expect(
      events.filter((e) => e.type === 'lead.brief_updated').map((e) => 'fields' in e && e.fields),
    ).toEqual([
      ['need', 'quantity'],
      ['deadline', 'budget'],
    ]);
  });

  it('when 10 first messages of a conversation arrive at once, then they make one lead', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => say(`сообщение ${i}`, 'u2i-burst')),
    );
    expect(new Set(outcomes.map((o) => o.lead.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'lead.created')).toHaveLength(1);
  });

  it('when the buyer comes back in another channel with the same phone, then their open lead continues there', async () => {
    const { lead } = await say('Звоните +7 916 123-45-67');
    const web = await say('Это снова я, 89161234567, по дивану', 'web-session-9', 'web');
    expect(web).toMatchObject({ created: false, continued: true });
    expect(web.lead.id).toBe(lead.id);
    expect(web.lead.conversations).toEqual([
      { channel: 'avito', conversationId: 'u2i-1' },
      { channel: 'web', conversationId: 'web-session-9' },
    ]);
    expect(web.lead.tags).toEqual(['avito-lead', 'web-lead']);
    // The next message of that conversation needs no phone to find it.
    expect((await say('Когда доставка?', 'web-session-9', 'web')).lead.id).toBe(lead.id);
    // And by e-mail, in a third conversation.
    await say('почта anna@mail.ru');
    expect((await say('anna@mail.ru — это я', '777', 'telegram')).lead.id).toBe(lead.id);
  });

  it('when the buyer’s lead is won or lost, then their next message starts a new lead', async () => {
    const { lead } = await say('Звоните +7 916 123-45-67');
    expect((await leads.moveStage(lead.id, 'won', 'tg:1')).ok).toBe(true);
    const again = await say('Хочу ещё кресло');
    expect(again.created).toBe(true);
    expect(again.lead.id).not.toBe(lead.id);
    // Nor is the closed lead found by phone from another conversation.
    await leads.markLost(again.lead.id, 'передумал', 'tg:1');
    const other = await say('+7 916 123-45-67', 'web-1', 'web');
    expect(other.created).toBe(true);
    expect(new Set([lead.id, again.lead.id, other.lead.id]).size).toBe(3);
  });
});

describe('the brief is never invented and the owner’s word stands', () => {
  const inventing: BriefExtractor = {
    kind: 'stub',
    async extract(input) {
      const m = input.messages[0]!;
      return [
        { field: 'quantity', value: 12, messageId: m.id, quote: '12 шт' },
        { field: 'address', value: 'Москва, Тверская 1', messageId: m.id, quote: m.text },
        { field: 'budget', value: 10_000_000, messageId: m.id, quote: m.text },
      ];
    },
  };

  it('when a model stub hallucinates values absent from the messages, then the brief stays empty', async () => {
    setUp(inventing);
    const { lead } = await say('Здравствуйте, нужен диван');
    expect(lead.brief).toEqual({});
    expect(events.map((e) => e.type)).toEqual(['lead.created']);
  });

  it('when the extractor throws, then the lead and its contacts are still recorded', async () => {
    setUp({
      kind: 'broken',
      extract: async () => {
        throw new Error('boom');
      },
    });
    const { lead } = await say('Мой номер 89161234567');
    expect(lead.contact.phone).toBe('+79161234567');
  });

  it('when the owner edits a field, then it is audited and later messages never overwrite it', async () => {
    const { lead } = await say('Нужно 2 шт');
    expect(lead.brief.quantity?.value).toBe(2);
    const edited = await leads.editBrief(lead.id, 'quantity', '3', 'tg:1');
    expect(edited.ok && edited.lead.brief.quantity).toMatchObject({
      value: 3,
      source: { kind: 'owner', actor: 'tg:1' },
    });
    const later = await say('Давайте 5 шт');
    expect(later.lead.brief.quantity?.value).toBe(3);

    const cleared = await leads.editBrief(lead.id, 'budget', null, 'tg:1');
    expect(cleared.ok && cleared.lead.brief.budget?.value).toBeNull();
    expect((await say('бюджет 30к')).lead.brief.budget?.value).toBeNull();

    const [edit] = (await leads.history(lead.id)).filter((e) => e.action === 'lead.brief.edit');
    expect(edit).toMatchObject({
      actor: 'tg:1',
      before: '{"quantity":"2"}',
      after: '{"quantity":"3"}',
      details: { fields: ['quantity'] },
    });
  });

  it('when the owner types a value of the wrong kind or an unknown field, then nothing changes and the reason is given', async () => {
    const { lead } = await say('Здравствуйте');
    expect(await leads.editBrief(lead.id, 'deadline', 'скоро', 'tg:1')).toMatchObject({
      ok: false,
      reason: 'invalid_value',
      type: 'date',
    });
    expect(await leads.editBrief(lead.id, 'colour', 'синий', 'tg:1')).toMatchObject({
      ok: false,
      reason: 'unknown_field',
    });
    expect(await leads.editBrief('missing', 'need', 'диван', 'tg:1')).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
    const ok = await leads.editBrief(lead.id, 'deadline', '15.05', 'tg:1');
    expect(ok.ok && ok.lead.brief.deadline?.value).toBe('2026-05-15');
    const money = await leads.editBrief(lead.id, 'budget', '45 000', 'tg:1');
    expect(money.ok && money.lead.brief.budget?.value).toBe(4_500_000);
    expect((await leads.get(lead.id))?.version).toBe(3);
  });
});

describe('the owner moves a lead through its stages', () => {
  it('when moves are made, then the rules apply, every change is audited and the trail replays to the stage', async () => {
    const { lead } = await say('Здравствуйте');
    expect((await leads.moveStage(lead.id, 'offer_sent', 'tg:1')).ok).toBe(true);
    expect(await leads.moveStage(lead.id, 'qualified', 'system')).toMatchObject({
      ok: false,
      reason: 'backward',
    });
    expect(await leads.markLost(lead.id, '  ', 'tg:1')).toMatchObject({
      ok: false,
      reason: 'reason_required',
    });
    const lost = await leads.markLost(lead.id, 'Купил у другого', 'tg:1');
    expect(lost).toMatchObject({
      ok: true,
      lead: { stage: 'lost', lostReason: 'Купил у другого', lostFrom: 'offer_sent' },
    });
    expect(await leads.reopen(lead.id, 'system')).toMatchObject({ ok: false, reason: 'owner_only' });
    expect(await leads.reopen(lead.id, 'tg:1')).toMatchObject({
      ok: true,
      lead: { stage: 'offer_sent', lostReason: null },
    });
    expect(await leads.moveStage('missing', 'won', 'tg:1')).toMatchObject({ ok: false, reason: 'not_found' });

    const changes = await leads.stageChanges(lead.id);
    expect(changes).toEqual([
      { from: 'new', to: 'offer_sent' },
      { from: 'offer_sent', to: 'lost' },
      { from: 'lost', to: 'offer_sent' },
    ]);
    expect(replayStages(changes)).toBe((await leads.get(lead.id))?.stage);
    const stageEvents = events.filter((e) => e.type === 'lead.stage_changed');
    expect(stageEvents.map((e) => e.type === 'lead.stage_changed' && [e.from, e.to, e.actor])).toEqual([
      ['new', 'offer_sent', 'tg:1'],
      ['offer_sent', 'lost', 'tg:1'],
      ['lost', 'offer_sent', 'tg:1'],
    ]);
  });

  it('when ten taps move the same lead at once, then one move happens and the others are told it is there', async () => {
    const { lead } = await say('Здравствуйте');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => leads.moveStage(lead.id, 'qualified', `tg:${i}`)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'same_stage')).toBe(true);
    expect(await leads.stageChanges(lead.id)).toEqual([{ from: 'new', to: 'qualified' }]);
  });

  it('when a lost lead’s conversation has a new lead, then reopening it says which lead holds it', async () => {
    const { lead } = await say('Здравствуйте');
    await leads.markLost(lead.id, 'молчит', 'tg:1');
    const { lead: next } = await say('Я снова тут');
    expect(await leads.reopen(lead.id, 'tg:1')).toMatchObject({
      ok: false,
      reason: 'conversation_taken',
      openLeadId: next.id,
    });
  });

  it('when documents are attached, then the amounts follow and a repeat changes nothing', async () => {
    const { lead } = await say('Здравствуйте');
    const offer = { kind: 'offer' as const, number: 'КП-2026-0001', total: 6_580_000, issuedAt: now };
    const invoice = { kind: 'invoice' as const, number: 'СЧ-2026-0001', total: 3_290_000, issuedAt: now };
    await leads.attachDocument(lead.id, offer, 'tg:1');
    await leads.attachDocument(lead.id, offer, 'tg:1');
    const r = await leads.attachDocument(lead.id, invoice, 'tg:1');
    expect(r.ok && r.lead).toMatchObject({
      amounts: { quoted: 6_580_000, invoiced: 3_290_000, paid: null },
      documents: [offer, invoice],
    });
    expect(events.filter((e) => e.type === 'lead.document_attached')).toHaveLength(2);
    expect((await leads.history(lead.id)).filter((e) => e.action === 'lead.document')).toHaveLength(2);
  });

  it('when open leads are listed by stage, then pages go through all of them, newest first', async () => {
    for (let i = 0; i < 7; i++) {
      now = new Date(now.getTime() + 60_000);
      await say('Здравствуйте', `u2i-list-${i}`);
    }
    const first = await leads.listByStage(['new'], { limit: 5 });
    const second = await leads.listByStage(['new'], { limit: 5, after: first.next });
    expect(first.leads.map((l) => l.conversationId)).toEqual([6, 5, 4, 3, 2].map((i) => `u2i-list-${i}`));
    expect(second.leads.map((l) => l.conversationId)).toEqual(['u2i-list-1', 'u2i-list-0']);
    expect(second.next).toBeNull();
  });

  it('when a listener fails, then the change stands and the other listeners are still told', async () => {
    const told: string[] = [];
    leads = createLeads({
      store,
      now: () => now,
      extractor: createRuleBriefExtractor(),
      sales,
      logger,
      listeners: [
        {
          onLeadEvent: () => {
            throw new Error('CRM down');
          },
        },
        { onLeadEvent: (e) => void told.push(e.type) },
      ],
    });
    const { lead } = await say('Здравствуйте');
    expect(told).toEqual(['lead.created']);
    expect(await leads.get(lead.id)).not.toBeNull();
  });
});

describe('with PII encryption on', () => {
  it('when the buyer returns with the same phone, then the sealed lead is still found and read', async () => {
    const key = dataKey(randomBytes(32).toString('hex'));
    setUp(createRuleBriefExtractor(), (s) => encryptStore(s, { current: key, previous: undefined }));
    const { lead } = await say('Нужен диван, звоните 8 916 123 45 67, адрес: Тверская 7');
    const back = await say('+79161234567 снова я', 'web-2', 'web');
    expect(back.lead.id).toBe(lead.id);
    expect(back.lead.contact.phone).toBe('+79161234567');
    expect(back.lead.brief.address?.value).toBe('Тверская 7');
  });
});
