import { describe, expect, it } from 'vitest';
import type { CrmDeal, InvoicePaymentRecord } from '../../src/models/records.js';
import { LEGACY_KV_PREFIXES, moveLegacyKvRecords } from '../../src/store/legacy-kv.js';
import { MAX_DOCUMENT_FILE_BYTES, type Store, StoreConflictError } from '../../src/store/port.js';
import { StoreValidationError } from '../../src/store/validate.js';

/** What the contract needs from the suite around it: the store of the current test, and a restart. */
export interface IntegrationRecordsContractAccess {
  store(): Store;
  reopen?: () => Promise<void>;
}

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 7, 7, 0) + minutes * 60_000);

const payment = (over: Partial<InvoicePaymentRecord> = {}): InvoicePaymentRecord => ({
  invoice: 'СЧ-2026-0001',
  leadId: 'lead-1',
  amountKopecks: 3_290_000,
  attempt: 0,
  paymentId: 'pay-1',
  status: 'pending',
  confirmationUrl: 'https://yoomoney.ru/checkout/payments/v2/contract?orderId=pay-1',
  paidAt: null,
  refundedKopecks: 0,
  ...over,
});

const deal = (over: Partial<CrmDeal> = {}): CrmDeal => ({
  leadId: 'lead-1',
  dealId: 31_000_001,
  contactId: 41_000_001,
  tags: ['avito-lead'],
  status: { stage: 'new', statusId: 142, confirmed: true },
  ...over,
});

const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7\n${text}\n%%EOF`, 'latin1'));

/** The integrations' records (calendar, YooKassa, amoCRM, buyer messages, PDFs), for every adapter. */
export function describeIntegrationRecordsContract(access: IntegrationRecordsContractAccess): void {
  describe('consultations', () => {
    it('when a lead is offered slots again, then its one offer is the latest, the choice included', async () => {
      const { consultations } = access.store();
      const slots = [
        { start: at(0), end: at(60) },
        { start: at(90), end: at(150) },
      ];
      await consultations.saveOffer({ leadId: 'lead-1', chatId: 'u2i-1', slots, at: at(-60), booked: null });
      const chosen = { eventId: 'ev0001', start: at(90) };
      await consultations.saveOffer({
        leadId: 'lead-1',
        chatId: 'u2i-1',
        slots,
        at: at(-60),
        booked: chosen,
      });
      expect(await consultations.offer('lead-1')).toEqual({
        leadId: 'lead-1',
        chatId: 'u2i-1',
        slots,
        at: at(-60),
        booked: chosen,
      });
      expect(await consultations.offer('lead-2')).toBeNull();
      await expect(
        consultations.saveOffer({ leadId: 'lead-2', chatId: 'u2i-2', slots: [], at: at(0), booked: null }),
      ).rejects.toThrow(StoreValidationError);
    });

    it('when a lead books twice, then it has one booking; an event booked for another lead is refused', async () => {
      const { consultations } = access.store();
      const booking = {
        leadId: 'lead-1',
        eventId: 'ev0001',
        chatId: 'u2i-1',
        start: at(0),
        end: at(60),
        sequence: 0,
        status: 'booked' as const,
      };
      await consultations.saveBooking(booking);
      const moved = { ...booking, eventId: 'ev0002', start: at(120), end: at(180), sequence: 1 };
      await consultations.saveBooking(moved);
      expect(await consultations.booking('lead-1')).toEqual(moved);
      await expect(
        consultations.saveBooking({ ...booking, leadId: 'lead-2', eventId: 'ev0002' }),
      ).rejects.toThrow(StoreConflictError);
      expect(await consultations.booking('lead-2')).toBeNull();
      // The first event is free again once the lead moved on from it.
      await consultations.saveBooking({ ...booking, leadId: 'lead-2' });
      expect((await consultations.booking('lead-2'))?.eventId).toBe('ev0001');
    });
  });

  describe('payments', () => {
    it('when an invoice payment is written, then it reads back by invoice and by payment id', async () => {
      const { payments } = access.store();
      expect(await payments.put(payment())).toEqual(payment());
      expect(await payments.get('СЧ-2026-0001')).toEqual(payment());
      expect(await payments.findByPaymentId('pay-1')).toEqual(payment());
      const paid = payment({ status: 'succeeded', paidAt: at(5) });
      await payments.put(paid);
      expect(await payments.get('СЧ-2026-0001')).toEqual(paid);
      expect(await payments.get('СЧ-2026-0002')).toBeNull();
      expect(await payments.findByPaymentId('pay-2')).toBeNull();
    });

    it('when a payment id is put on a second invoice, then it is refused and the first invoice keeps it', async () => {
      const { payments } = access.store();
      await payments.put(payment());
      await expect(payments.put(payment({ invoice: 'СЧ-2026-0002' }))).rejects.toThrow(StoreConflictError);
      expect(await payments.get('СЧ-2026-0002')).toBeNull();
      expect((await payments.findByPaymentId('pay-1'))?.invoice).toBe('СЧ-2026-0001');
      // A new attempt of the same invoice drops the old id; many invoices may have none.
      await payments.put(payment({ attempt: 1, paymentId: null, status: 'creating' }));
      await payments.put(payment({ invoice: 'СЧ-2026-0002', paymentId: null, status: 'creating' }));
      expect(await payments.findByPaymentId('pay-1')).toBeNull();
    });

    it('when the same refund is applied by many at once, then it is counted once, and the sum stays within the amount', async () => {
      const { payments } = access.store();
      await payments.put(payment({ status: 'succeeded', paidAt: at(5) }));
      const results = await Promise.all(
        Array.from({ length: 6 }, () => payments.applyRefund('rf-1', 'СЧ-2026-0001', 1_000_000)),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await payments.get('СЧ-2026-0001'))?.refundedKopecks).toBe(1_000_000);
      expect(await payments.refundApplied('rf-1')).toBe(true);
      expect(await payments.refundApplied('rf-2')).toBe(false);
      const second = await payments.applyRefund('rf-2', 'СЧ-2026-0001', 9_000_000);
      expect(second?.refundedKopecks).toBe(3_290_000);
      expect(await payments.applyRefund('rf-3', 'СЧ-2026-0009', 100)).toBeNull();
      expect(await payments.refundApplied('rf-3')).toBe(false);
    });

    it('when a payment is written again, then the refunded sum stays as the refunds made it', async () => {
      const { payments } = access.store();
      await payments.put(payment({ status: 'succeeded' }));
      await payments.applyRefund('rf-1', 'СЧ-2026-0001', 290_000);
      // A writer holding the record from before the refund.
      await payments.put(payment({ status: 'succeeded', paidAt: at(9), refundedKopecks: 0 }));
      expect(await payments.get('СЧ-2026-0001')).toEqual(
        payment({ status: 'succeeded', paidAt: at(9), refundedKopecks: 290_000 }),
      );
    });

    it('when a refund was counted before the repository (moved from kv), then applying it counts nothing', async () => {
      const { payments } = access.store();
      await payments.put(payment({ status: 'succeeded', refundedKopecks: 500 }));
      await payments.markRefundCounted('rf-old');
      await payments.markRefundCounted('rf-old');
      expect(await payments.refundApplied('rf-old')).toBe(true);
      expect(await payments.applyRefund('rf-old', 'СЧ-2026-0001', 500)).toBeNull();
      expect((await payments.get('СЧ-2026-0001'))?.refundedKopecks).toBe(500);
    });
  });

  describe('amoCRM deals', () => {
    it('when a deal is kept for a lead, then it is found both ways, and a second lead cannot take it', async () => {
      const { crmDeals } = access.store();
      await crmDeals.put(deal());
      expect(await crmDeals.get('lead-1')).toEqual(deal());
      expect(await crmDeals.leadOf(31_000_001)).toBe('lead-1');
      expect(await crmDeals.leadOf(31_000_002)).toBeNull();
      const moved = deal({ status: { stage: 'booked', statusId: 143, confirmed: false }, tags: ['a', 'b'] });
      await crmDeals.put(moved);
      expect(await crmDeals.get('lead-1')).toEqual(moved);
      await expect(crmDeals.put(deal({ leadId: 'lead-2' }))).rejects.toThrow(StoreConflictError);
      expect(await crmDeals.get('lead-2')).toBeNull();
      await crmDeals.put(deal({ leadId: 'lead-2', dealId: 31_000_002, contactId: null, status: null }));
      expect(await crmDeals.leadOf(31_000_002)).toBe('lead-2');
    });

    it('when a brief is noted, then its digest is kept on the deal and a new deal write keeps it', async () => {
      const { crmDeals } = access.store();
      expect(await crmDeals.setBriefNoted('lead-1', 'a'.repeat(64))).toBe(false);
      await crmDeals.put(deal());
      expect(await crmDeals.briefNoted('lead-1')).toBeNull();
      expect(await crmDeals.setBriefNoted('lead-1', 'a'.repeat(64))).toBe(true);
      await crmDeals.put(deal({ status: { stage: 'paid', statusId: 150, confirmed: true } }));
      expect(await crmDeals.briefNoted('lead-1')).toBe('a'.repeat(64));
    });
  });

  describe('messages to buyers', () => {
    it('when a message is marked sending and then sent, then a later sending mark changes nothing', async () => {
      const { buyerMessages } = access.store();
      const key = 'calendar:slots:lead-1:1';
      expect(await buyerMessages.get(key)).toBeNull();
      expect(await buyerMessages.markSending(key, at(0))).toBe(true);
      expect(await buyerMessages.markSending(key, at(1))).toBe(true);
      expect(await buyerMessages.get(key)).toEqual({ key, state: 'sending', since: at(1) });
      await buyerMessages.markSent(key, 'draft-1');
      expect(await buyerMessages.markSending(key, at(2))).toBe(false);
      expect(await buyerMessages.get(key)).toEqual({ key, state: 'sent', draftId: 'draft-1' });
      expect(await buyerMessages.clear(key)).toBe(true);
      expect(await buyerMessages.clear(key)).toBe(false);
      expect(await buyerMessages.get(key)).toBeNull();
    });
  });

  describe('issued documents’ files', () => {
    it('when a PDF is kept, then the same bytes come back; a second save replaces it', async () => {
      const { salesDocuments } = access.store();
      const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
      await salesDocuments.saveFile({
        kind: 'invoice',
        number: 'СЧ-2026-0001',
        pdf: bytes,
        createdAt: at(0),
      });
      const read = await salesDocuments.getFile('invoice', 'СЧ-2026-0001');
      expect(read && Buffer.from(read.pdf).equals(Buffer.from(bytes))).toBe(true);
      expect(read?.createdAt).toEqual(at(0));
      await salesDocuments.saveFile({
        kind: 'invoice',
        number: 'СЧ-2026-0001',
        pdf: pdf('v2'),
        createdAt: at(1),
      });
      expect((await salesDocuments.getFile('invoice', 'СЧ-2026-0001'))?.pdf).toEqual(pdf('v2'));
      expect(await salesDocuments.getFile('offer', 'СЧ-2026-0001')).toBeNull();
    });

    it('when a PDF is larger than the store keeps, then it is refused, not cut', async () => {
      const { salesDocuments } = access.store();
      const big = new Uint8Array(MAX_DOCUMENT_FILE_BYTES + 1);
      await expect(
        salesDocuments.saveFile({ kind: 'offer', number: 'КП-2026-0001', pdf: big, createdAt: at(0) }),
      ).rejects.toThrow(StoreValidationError);
      expect(await salesDocuments.getFile('offer', 'КП-2026-0001')).toBeNull();
    });
  });

  describe('kv keys by prefix', () => {
    it('when keys are listed by prefix, then only those come, in order, page after page', async () => {
      const { kv } = access.store();
      for (const key of ['p:b', 'p:a', 'p:c', 'q:a', 'p'])
        await kv.set(key, 1, key === 'p:c' ? 1 : undefined);
      await new Promise((r) => setTimeout(r, 5));
      expect(await kv.keys('p:')).toEqual(['p:a', 'p:b', 'p:c']);
      expect(await kv.keys('p:', { limit: 2 })).toEqual(['p:a', 'p:b']);
      expect(await kv.keys('p:', { after: 'p:b' })).toEqual(['p:c']);
    });
  });

  describe('records moved out of kv', () => {
    const seedOldShapes = async (store: Store) => {
      const { kv } = store;
      await kv.set('calendar:offer:lead-1', {
        chatId: 'u2i-1',
        slots: [{ start: at(0).toISOString(), end: at(60).toISOString() }],
        at: at(-5).toISOString(),
        booked: { eventId: 'ev0001', start: at(0).toISOString() },
      });
      await kv.set('calendar:booking:lead-1', {
        eventId: 'ev0001',
        chatId: 'u2i-1',
        start: at(0).toISOString(),
        end: at(60).toISOString(),
        sequence: 2,
        status: 'booked',
      });
      await kv.set('payments:invoice:СЧ-2026-0001', {
        ...payment({ status: 'succeeded', refundedKopecks: 290_000 }),
        paidAt: at(5).toISOString(),
      });
      await kv.set('payments:payment:pay-1', 'СЧ-2026-0001');
      await kv.set('payments:refund:rf-1', true);
      const { leadId: _lead, ...oldDeal } = deal();
      await kv.set('amocrm:deal:lead-1', oldDeal);
      await kv.set('amocrm:lead-of:31000001', 'lead-1');
      await kv.set('amocrm:brief-noted:lead-1', 'Бюджет: 30 000 ₽');
      await kv.set('buyer-message:yookassa:paid:pay-1', { state: 'sent', draftId: 'draft-9' });
      await kv.set('buyer-message:calendar:slots:lead-1', { state: 'sending', at: at(1).toISOString() });
      await kv.set('document-pdf:invoice:СЧ-2026-0001', Buffer.from(pdf('счёт')).toString('base64'));
      // Not ours, and one that no longer parses: both stay.
      await kv.set('avito:token', { accessToken: 'x' });
      await kv.set('calendar:booking:lead-9', { eventId: '' });
    };

    const snapshot = async (store: Store) => ({
      offer: await store.consultations.offer('lead-1'),
      booking: await store.consultations.booking('lead-1'),
      payment: await store.payments.get('СЧ-2026-0001'),
      byPayment: (await store.payments.findByPaymentId('pay-1'))?.invoice,
      refund: await store.payments.refundApplied('rf-1'),
      deal: await store.crmDeals.get('lead-1'),
      leadOf: await store.crmDeals.leadOf(31_000_001),
      brief: await store.crmDeals.briefNoted('lead-1'),
      sent: await store.buyerMessages.get('yookassa:paid:pay-1'),
      sending: await store.buyerMessages.get('calendar:slots:lead-1'),
      pdf: (await store.salesDocuments.getFile('invoice', 'СЧ-2026-0001'))?.pdf,
    });

    it('when a store with the old kv records is moved, then they are in the repositories and gone from kv; moving again changes nothing', async () => {
      const store = access.store();
      await seedOldShapes(store);
      const report = await moveLegacyKvRecords(store);
      expect(report).toEqual({ moved: 11, left: ['calendar:booking:lead-9'] });

      const moved = await snapshot(store);
      expect(moved).toEqual({
        offer: {
          leadId: 'lead-1',
          chatId: 'u2i-1',
          slots: [{ start: at(0), end: at(60) }],
          at: at(-5),
          booked: { eventId: 'ev0001', start: at(0) },
        },
        booking: {
          leadId: 'lead-1',
          eventId: 'ev0001',
          chatId: 'u2i-1',
          start: at(0),
          end: at(60),
          sequence: 2,
          status: 'booked',
        },
        payment: payment({ status: 'succeeded', paidAt: at(5), refundedKopecks: 290_000 }),
        byPayment: 'СЧ-2026-0001',
        refund: true,
        deal: deal(),
        leadOf: 'lead-1',
        brief: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string,
        sent: { key: 'yookassa:paid:pay-1', state: 'sent', draftId: 'draft-9' },
        sending: { key: 'calendar:slots:lead-1', state: 'sending', since: at(1) },
        pdf: pdf('счёт'),
      });
      // The refund counted in kv is not counted again.
      expect(await store.payments.applyRefund('rf-1', 'СЧ-2026-0001', 290_000)).toBeNull();
      for (const prefix of LEGACY_KV_PREFIXES)
        expect(await store.kv.keys(prefix)).toEqual(
          prefix === 'calendar:booking:' ? ['calendar:booking:lead-9'] : [],
        );
      expect(await store.kv.get('avito:token')).toEqual({ accessToken: 'x' });

      if (access.reopen) await access.reopen();
      const again = await moveLegacyKvRecords(access.store());
      expect(again).toEqual({ moved: 0, left: ['calendar:booking:lead-9'] });
      expect(await snapshot(access.store())).toEqual(moved);
    });

    it('when a move was cut off after writing a record but before deleting its key, then the next move finishes it', async () => {
      const store = access.store();
      await seedOldShapes(store);
      await moveLegacyKvRecords(store);
      await store.payments.applyRefund('rf-2', 'СЧ-2026-0001', 10_000);
      // The key comes back as if its delete never happened.
      await store.kv.set('payments:invoice:СЧ-2026-0001', {
        ...payment({ status: 'succeeded', refundedKopecks: 290_000 }),
        paidAt: at(5).toISOString(),
      });
      await store.kv.set('amocrm:deal:lead-1', { ...deal(), leadId: undefined });
      expect((await moveLegacyKvRecords(store)).moved).toBe(2);
      expect((await store.payments.get('СЧ-2026-0001'))?.refundedKopecks).toBe(300_000);
      expect(await store.kv.keys('payments:')).toEqual([]);
      expect(await store.crmDeals.leadOf(31_000_001)).toBe('lead-1');
    });
  });
}
