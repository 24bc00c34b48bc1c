import { describe, expect, it } from 'vitest';
import type { DocumentLink, SalesDocument } from '../../src/models/records.js';
import type { Store } from '../../src/store/port.js';
import { StoreValidationError } from '../../src/store/validate.js';

/** What the contract needs from the suite around it: the store of the current test, and a restart. */
export interface SalesDocumentContractAccess {
  store(): Store;
  reopen?: () => Promise<void>;
}

const DAY = 24 * 3600_000;

const document = (id: string, over: Partial<SalesDocument> = {}): SalesDocument => ({
  id,
  leadId: 'lead-1',
  kind: 'invoice',
  number: 'СЧ-2026-0001',
  title: 'Счёт на оплату № СЧ-2026-0001',
  total: 3_290_000,
  order: { items: [{ product: 'sofa-milan', qty: 1000, options: { fabric: 'velvet' } }] },
  status: 'prepared',
  fileName: 'invoice-SCH-2026-0001.pdf',
  pages: 1,
  bytes: 48_211,
  createdAt: new Date(1_765_000_000_000),
  sentAt: null,
  ...over,
});

const link = (tokenHash: string, expiresAt: Date): DocumentLink => ({
  tokenHash,
  documentId: 'doc-1',
  leadId: 'lead-1',
  kind: 'invoice',
  number: 'СЧ-2026-0001',
  expiresAt,
});

const hash = (c: string) => c.repeat(64);

/** The owner's documents and the buyers' links, for every adapter (called from describeStoreContract). */
export function describeSalesDocumentContract(access: SalesDocumentContractAccess): void {
  describe('sales documents', () => {
    it('when a document is created, then it reads back as given, its order included', async () => {
      const store = access.store();
      await store.salesDocuments.create(document('doc-1'));
      expect(await store.salesDocuments.get('doc-1')).toEqual(document('doc-1'));
      expect(await store.salesDocuments.get('doc-missing')).toBeNull();
      await expect(store.salesDocuments.create(document('doc-1'))).rejects.toThrow();
    });

    it('when a document is moved on, then only from the named statuses, and a second move finds it moved', async () => {
      const store = access.store();
      await store.salesDocuments.create(document('doc-1'));
      const sentAt = new Date(1_765_100_000_000);
      const sent = await store.salesDocuments.update('doc-1', ['prepared'], { status: 'sent', sentAt });
      expect(sent).toEqual(document('doc-1', { status: 'sent', sentAt }));
      expect(await store.salesDocuments.update('doc-1', ['prepared'], { status: 'cancelled' })).toBeNull();
      expect(await store.salesDocuments.get('doc-1')).toEqual(sent);
      expect(await store.salesDocuments.update('doc-missing', ['prepared'], { status: 'sent' })).toBeNull();
    });

    it('when two moves race from prepared, then exactly one wins', async () => {
      const store = access.store();
      await store.salesDocuments.create(document('doc-1'));
      const results = await Promise.all([
        store.salesDocuments.update('doc-1', ['prepared'], { status: 'sent', sentAt: new Date() }),
        store.salesDocuments.update('doc-1', ['prepared'], { status: 'cancelled' }),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('when a regenerated document’s figures are patched, then the rest is kept', async () => {
      const store = access.store();
      await store.salesDocuments.create(document('doc-1'));
      const next = await store.salesDocuments.update('doc-1', ['prepared'], {
        total: 3_500_000,
        pages: 2,
        bytes: 50_000,
      });
      expect(next).toEqual(document('doc-1', { total: 3_500_000, pages: 2, bytes: 50_000 }));
    });

    it('when a document has a bad status, kind or negative total, then it is refused', async () => {
      const store = access.store();
      const bad = [
        document('doc-x', { status: 'lost' as SalesDocument['status'] }),
        document('doc-y', { kind: 'receipt' as SalesDocument['kind'] }),
        document('doc-z', { total: -1 }),
      ];
      for (const doc of bad)
        await expect(store.salesDocuments.create(doc)).rejects.toThrow(StoreValidationError);
    });

    it('when a link is kept, then it is found by its hash until it expires, and swept after', async () => {
      const store = access.store();
      const live = link(hash('a'), new Date(Date.now() + 14 * DAY));
      const dead = link(hash('b'), new Date(Date.now() - 1000));
      await store.salesDocuments.addLink(live);
      await store.salesDocuments.addLink(dead);
      expect(await store.salesDocuments.findLink(hash('a'))).toEqual(live);
      expect(await store.salesDocuments.findLink(hash('b'))).toBeNull();
      expect(await store.salesDocuments.findLink(hash('c'))).toBeNull();
      expect(await store.salesDocuments.removeExpiredLinks(new Date())).toBe(1);
      expect(await store.salesDocuments.findLink(hash('a'))).toEqual(live);
      await expect(store.salesDocuments.findLink('not-a-hash')).rejects.toThrow(StoreValidationError);
    });

    it('when a lead’s order is kept twice, then the second replaces the first; another lead has none', async () => {
      const store = access.store();
      const first = { items: [{ product: 'sofa-milan', qty: 1000 }] };
      const second = { items: [{ product: 'sofa-milan', qty: 2000, options: { fabric: 'velvet' } }] };
      await store.salesDocuments.setOrder('lead-1', first);
      expect(await store.salesDocuments.getOrder('lead-1')).toEqual(first);
      await store.salesDocuments.setOrder('lead-1', second);
      expect(await store.salesDocuments.getOrder('lead-1')).toEqual(second);
      expect(await store.salesDocuments.getOrder('lead-2')).toBeNull();
    });

    if (access.reopen) {
      const reopen = access.reopen;
      it('when the store is reopened, then documents, links and orders are still there', async () => {
        const sentAt = new Date(1_765_100_000_000);
        await access.store().salesDocuments.create(document('doc-1', { status: 'sent', sentAt }));
        const live = link(hash('d'), new Date(Date.now() + DAY));
        await access.store().salesDocuments.addLink(live);
        await access.store().salesDocuments.setOrder('lead-1', { items: [{ product: 'sofa-milan' }] });
        await reopen();
        expect(await access.store().salesDocuments.get('doc-1')).toEqual(
          document('doc-1', { status: 'sent', sentAt }),
        );
        expect(await access.store().salesDocuments.findLink(hash('d'))).toEqual(live);
        expect(await access.store().salesDocuments.getOrder('lead-1')).toEqual({
          items: [{ product: 'sofa-milan' }],
        });
      });
    }
  });
}
