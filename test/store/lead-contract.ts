import { describe, expect, it } from 'vitest';
import type { LeadInput, Store } from '../../src/store/port.js';
import { LeadConversationTakenError } from '../../src/store/port.js';
import { StoreValidationError } from '../../src/store/validate.js';

/** What the lead contract needs from the suite around it: the store of the current test, and a restart. */
export interface LeadContractAccess {
  store(): Store;
  reopen?: () => Promise<void>;
}

const created = { actor: 'system', action: 'lead.created' };

const input = (conversationId: string, over: Partial<LeadInput> = {}): LeadInput => ({
  channel: 'avito',
  conversationId,
  listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' },
  contact: { name: 'Анна', phone: null, email: null },
  tags: ['avito-lead'],
  ...over,
});

async function newLeadIn(store: Store, conversationId: string, over: Partial<LeadInput> = {}) {
  const r = await store.leads.create(input(conversationId, over), [created]);
  if (!r.inserted) throw new Error(`expected a new lead for ${conversationId}`);
  return r.record;
}

/** The lead repository's behaviour, for every adapter (called from describeStoreContract). */
export function describeLeadContract(access: LeadContractAccess): void {
  describe('leads', () => {
    it('when a lead is created, then it starts at new with its conversation, tags and an audit entry', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-lead-1');
      expect(lead).toMatchObject({
        channel: 'avito',
        conversationId: 'u2i-lead-1',
        conversations: [{ channel: 'avito', conversationId: 'u2i-lead-1' }],
        stage: 'new',
        lostReason: null,
        lostFrom: null,
        tags: ['avito-lead'],
        amounts: { quoted: null, invoiced: null, paid: null },
        documents: [],
        brief: {},
        version: 1,
        closedAt: null,
      });
      expect(await store.leads.get(lead.id)).toEqual(lead);
      expect(await store.leads.findOpenByConversation('avito', 'u2i-lead-1')).toEqual(lead);
      expect(await store.leads.findOpenByConversation('web', 'u2i-lead-1')).toBeNull();
      const trail = await store.audit.query({ leadId: lead.id });
      expect(trail).toMatchObject([{ actor: 'system', action: 'lead.created', leadId: lead.id }]);
      expect(await store.leads.get('missing')).toBeNull();
    });

    it('when 20 first messages of one conversation create leads at once, then one lead is made and all get it', async () => {
      const store = access.store();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.leads.create(input('u2i-race'), [created])),
      );
      const ids = new Set(results.map((r) => (r.inserted ? r.record.id : r.existing.id)));
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      expect(await store.audit.query({ leadId: id! })).toHaveLength(1);
    });

    it('when the stage is moved by racing callers, then exactly one move wins', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-cas');
      const moves = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.leads.transition(lead.id, ['new'], 'qualified', {
            audit: [{ actor: `tg:${i}`, action: 'lead.stage', before: 'new', after: 'qualified' }],
          }),
        ),
      );
      const won = moves.filter((m) => m !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ stage: 'qualified', version: 2 });
      const trail = await store.audit.query({ leadId: lead.id, action: 'lead.stage' });
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({ before: 'new', after: 'qualified' });
      expect(await store.leads.transition(lead.id, ['new'], 'offer_sent', { audit: [] })).toBeNull();
    });

    it('when a lead is lost, then it needs a reason, keeps the stage it left, closes and frees its conversation', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-lost');
      await expect(
        store.leads.transition(lead.id, ['new'], 'lost', { lostReason: '  ', audit: [] }),
      ).rejects.toThrow(StoreValidationError);
      await store.leads.transition(lead.id, ['new'], 'offer_sent', { audit: [] });
      const lost = await store.leads.transition(lead.id, ['offer_sent'], 'lost', {
        lostReason: 'купил у другого',
        audit: [{ actor: 'tg:1', action: 'lead.stage', before: 'offer_sent', after: 'lost' }],
      });
      expect(lost).toMatchObject({ stage: 'lost', lostReason: 'купил у другого', lostFrom: 'offer_sent' });
      expect(lost!.closedAt).toBeInstanceOf(Date);
      expect(await store.leads.findOpenByConversation('avito', 'u2i-lost')).toBeNull();

      // The buyer comes back: a new lead starts; the lost one cannot take the conversation back.
      const second = await newLeadIn(store, 'u2i-lost');
      expect(second.id).not.toBe(lead.id);
      const error = await store.leads
        .transition(lead.id, ['lost'], 'offer_sent', { audit: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeadConversationTakenError);
      expect((error as LeadConversationTakenError).openLeadId).toBe(second.id);
      expect((await store.leads.get(lead.id))?.stage).toBe('lost');

      // Once the newer one is closed, the owner can reopen the old one.
      await store.leads.transition(second.id, ['new'], 'won', { audit: [] });
      const reopened = await store.leads.transition(lead.id, ['lost'], 'offer_sent', { audit: [] });
      expect(reopened).toMatchObject({
        stage: 'offer_sent',
        lostReason: null,
        lostFrom: null,
        closedAt: null,
      });
      expect((await store.leads.findOpenByConversation('avito', 'u2i-lost'))?.id).toBe(lead.id);
    });

    it('when updates race on one version, then one wins and the others get null', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-version');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.leads.update(lead.id, lead.version, { tags: ['avito-lead', `t${i}`] }, [
            { actor: 'system', action: 'lead.tags' },
          ]),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const stored = await store.leads.get(lead.id);
      expect(stored?.version).toBe(2);
      expect(await store.audit.query({ leadId: lead.id, action: 'lead.tags' })).toHaveLength(1);
      expect(await store.leads.update(lead.id, 1, { tags: [] }, [])).toBeNull();
      expect(await store.leads.update('missing', 1, { tags: [] }, [])).toBeNull();
    });

    it('when a document is sent and downloaded, then its sentAt and download count round-trip', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-doc-sent');
      const issuedAt = new Date('2026-05-02T12:30:00+03:00');
      const sentAt = new Date('2026-05-02T12:35:00+03:00');
      const document = { kind: 'invoice' as const, number: 'СЧ-2026-0001', total: 3_290_000, issuedAt };
      const issued = await store.leads.update(lead.id, lead.version, { documents: [document] }, []);
      const sent = await store.leads.update(
        lead.id,
        issued!.version,
        { documents: [{ ...document, sentAt, downloads: 2 }] },
        [],
      );
      const got = await store.leads.get(lead.id);
      expect(got).toEqual(sent);
      expect(got?.documents[0]?.sentAt).toEqual(sentAt);
      expect(got?.documents[0]?.downloads).toBe(2);
      expect(issued?.documents[0]).not.toHaveProperty('sentAt');
      await expect(
        store.leads.update(got!.id, got!.version, { documents: [{ ...document, downloads: -1 }] }, []),
      ).rejects.toThrow(StoreValidationError);
    });

    it('when brief, amounts and documents are stored, then they round-trip with their dates', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-brief');
      const at = new Date('2026-05-01T10:00:00+03:00');
      const issuedAt = new Date('2026-05-02T12:30:00+03:00');
      const updated = await store.leads.update(
        lead.id,
        lead.version,
        {
          brief: {
            quantity: { value: 2, source: { kind: 'message', messageId: 'm1' }, quote: '2 шт', at },
            deadline: { value: '2026-05-15', source: { kind: 'owner', actor: 'tg:1' }, quote: null, at },
            comments: { value: null, source: { kind: 'owner', actor: 'tg:1' }, quote: null, at },
          },
          amounts: { quoted: 6_580_000, invoiced: null, paid: null },
          documents: [{ kind: 'offer', number: 'КП-2026-0001', total: 6_580_000, issuedAt }],
        },
        [],
      );
      const got = await store.leads.get(lead.id);
      expect(got).toEqual(updated);
      expect(got?.brief.quantity?.at).toEqual(at);
      expect(got?.documents[0]?.issuedAt).toEqual(issuedAt);
      await expect(
        store.leads.update(
          got!.id,
          got!.version,
          { amounts: { quoted: -1, invoiced: null, paid: null } },
          [],
        ),
      ).rejects.toThrow(StoreValidationError);
      await expect(
        store.leads.update(
          got!.id,
          got!.version,
          { amounts: { quoted: 1.5, invoiced: null, paid: null } },
          [],
        ),
      ).rejects.toThrow(StoreValidationError);
    });

    it('when a lead is looked up by phone or e-mail, then open leads match and closed ones do not', async () => {
      const store = access.store();
      const a = await newLeadIn(store, 'u2i-contact-a', {
        contact: { name: null, phone: '+79161234567', email: 'Anna@Example.ru' },
      });
      const b = await newLeadIn(store, 'u2i-contact-b');
      expect((await store.leads.findOpenByContact({ phone: '+79161234567' })).map((l) => l.id)).toEqual([
        a.id,
      ]);
      expect((await store.leads.findOpenByContact({ email: 'anna@example.ru' })).map((l) => l.id)).toEqual([
        a.id,
      ]);
      expect(await store.leads.findOpenByContact({ phone: '+79160000000' })).toEqual([]);
      expect(await store.leads.findOpenByContact({})).toEqual([]);

      // A contact added later is found; the replaced one no longer is.
      const withPhone = await store.leads.update(
        b.id,
        b.version,
        { contact: { name: null, phone: '+74951234567', email: null } },
        [],
      );
      expect(withPhone?.contact.phone).toBe('+74951234567');
      expect((await store.leads.findOpenByContact({ phone: '+74951234567' })).map((l) => l.id)).toEqual([
        b.id,
      ]);

      await store.leads.transition(a.id, ['new'], 'won', { audit: [] });
      expect(await store.leads.findOpenByContact({ phone: '+79161234567' })).toEqual([]);
    });

    it('when a lead continues in another conversation, then that conversation finds it and cannot be taken twice', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-first');
      const other = await newLeadIn(store, 'web-session-1', { channel: 'web' });
      const continued = await store.leads.update(
        lead.id,
        lead.version,
        {
          conversations: [...lead.conversations, { channel: 'telegram', conversationId: '555' }],
          tags: ['avito-lead', 'telegram-lead'],
        },
        [{ actor: 'system', action: 'lead.conversation' }],
      );
      expect(continued?.conversations).toEqual([
        { channel: 'avito', conversationId: 'u2i-first' },
        { channel: 'telegram', conversationId: '555' },
      ]);
      expect((await store.leads.findOpenByConversation('telegram', '555'))?.id).toBe(lead.id);
      await expect(
        store.leads.update(
          other.id,
          other.version,
          { conversations: [...other.conversations, { channel: 'telegram', conversationId: '555' }] },
          [],
        ),
      ).rejects.toThrow(LeadConversationTakenError);
      expect((await store.leads.get(other.id))?.version).toBe(other.version);
    });

    it('when leads are listed by stage in pages, then every lead comes once, newest first', async () => {
      const store = access.store();
      const made = [];
      for (let i = 0; i < 25; i++) made.push(await newLeadIn(store, `u2i-page-${i}`));
      for (const lead of made.slice(0, 5))
        await store.leads.transition(lead.id, ['new'], 'qualified', { audit: [] });
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await store.leads.listByStage(['new', 'qualified'], { limit: 10, after });
        seen.push(...page.leads.map((l) => l.id));
        after = page.next;
        pages += 1;
      } while (after !== null);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      const expected = [...made]
        .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : 1))
        .map((l) => l.id);
      expect(seen).toEqual(expected);
      const qualified = await store.leads.listByStage(['qualified']);
      expect(qualified.leads).toHaveLength(5);
      expect(qualified.next).toBeNull();
      expect(await store.leads.listByStage([])).toEqual({ leads: [], next: null });
      await expect(store.leads.listByStage(['new'], { after: 'not-a-cursor' })).rejects.toThrow(
        StoreValidationError,
      );
      await expect(store.leads.listByStage(['new'], { limit: 0 })).rejects.toThrow(/limit/);
      await expect(store.leads.listByStage(['nope' as 'new'])).rejects.toThrow(StoreValidationError);
    });

    it('when contact lookup keys are rewritten, then lookups use the new keys and a second run changes nothing', async () => {
      const store = access.store();
      const lead = await newLeadIn(store, 'u2i-rekey', {
        contact: { name: null, phone: '+79161234567', email: null },
      });
      const first = await store.maintenance.rewriteContactKeys((contact) =>
        contact === null ? undefined : ['phone:rotated'],
      );
      expect(first).toMatchObject({ rewritten: 1, skipped: 0 });
      expect((await store.leads.findOpenByContact({ keys: ['phone:rotated'] })).map((l) => l.id)).toEqual([
        lead.id,
      ]);
      const again = await store.maintenance.rewriteContactKeys(() => ['phone:rotated']);
      expect(again.rewritten).toBe(0);
    });

    it('when bad values reach the lead repository, then they are refused with a clear error', async () => {
      const store = access.store();
      await expect(store.leads.create(input(''), [])).rejects.toThrow(StoreValidationError);
      await expect(store.leads.create({ ...input('x'), channel: 'fax' as 'web' }, [])).rejects.toThrow(
        /lead channel/,
      );
      await expect(store.leads.get('a b')).rejects.toThrow(StoreValidationError);
      const lead = await newLeadIn(store, 'u2i-bad');
      await expect(store.leads.transition(lead.id, ['new'], 'gone' as 'won', { audit: [] })).rejects.toThrow(
        StoreValidationError,
      );
    });

    if (access.reopen) {
      const reopen = access.reopen;
      it('when the store is reopened, then leads, their claims and lookup keys are still there', async () => {
        const lead = await newLeadIn(access.store(), 'u2i-persist', {
          contact: { name: 'Анна', phone: '+79161234567', email: null },
        });
        await reopen();
        const store = access.store();
        expect(await store.leads.get(lead.id)).toEqual(lead);
        expect((await store.leads.findOpenByConversation('avito', 'u2i-persist'))?.id).toBe(lead.id);
        expect((await store.leads.findOpenByContact({ phone: '+79161234567' }))[0]?.id).toBe(lead.id);
        expect((await store.leads.create(input('u2i-persist'), [])).inserted).toBe(false);
      });
    }
  });
}
