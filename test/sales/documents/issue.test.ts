import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSalesConfig, type SalesConfig } from '../../../src/sales/config.js';
import { type IssueRequest, issueDocument } from '../../../src/sales/documents/issue.js';
import { MissingRequisitesError, PdfTooLargeError } from '../../../src/sales/documents/errors.js';
import type { Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { pdfPages } from './pdf-text.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
const NOW = new Date('2026-12-07T09:00:00Z');

let config: SalesConfig;
let dir: string;
let store: Store;
beforeAll(async () => {
  config = await loadSalesConfig(EXAMPLE);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sales-issue-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const issue = (over: Partial<IssueRequest> = {}) =>
  issueDocument({
    kind: 'invoice',
    config,
    order: { items: [{ product: 'measure' }] },
    buyer: { name: 'Иванов Иван Иванович' },
    now: NOW,
    numbering: { sequences: store.sequences },
    maxBytes: 10 * 1024 * 1024,
    ...over,
  });

describe('issueDocument numbering', () => {
  it('when invoices are issued at once, then they get consecutive numbers without repeats', async () => {
    const docs = await Promise.all(Array.from({ length: 8 }, () => issue()));
    expect(docs.map((d) => d.number).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `СЧ-2026-${String(i + 1).padStart(4, '0')}`),
    );
    // The number printed is the number returned.
    const [text] = await pdfPages(docs[3]!.pdf);
    expect(text).toContain(`Счёт на оплату № ${docs[3]!.number} от 7 декабря 2026 г.`);
  });

  it('when document types and years differ, then each counts from 0001', async () => {
    expect((await issue({ kind: 'offer' })).number).toBe('КП-2026-0001');
    expect((await issue({ date: { year: 2027, month: 1, day: 2 } })).number).toBe('СЧ-2027-0001');
    expect((await issue()).number).toBe('СЧ-2026-0001');
    expect((await issue({ kind: 'offer' })).number).toBe('КП-2026-0002');
  });

  it('when a document cannot be produced, then it takes no number and leaves no gap', async () => {
    const noBank = { ...config, seller: { ...config.seller, bank: undefined } };
    await expect(issue({ config: noBank })).rejects.toBeInstanceOf(MissingRequisitesError);
    await expect(issue({ maxBytes: 1000 })).rejects.toBeInstanceOf(PdfTooLargeError);
    expect((await issue()).number).toBe('СЧ-2026-0001');
  });
});
