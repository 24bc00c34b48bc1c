import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mountDocumentLinks } from '../../../src/http/document-links.js';
import { createLogger } from '../../../src/logger.js';
import { loadSalesConfig, type SalesConfig } from '../../../src/sales/config.js';
import { createDocumentDesk, type DeskDeps, type DocumentDesk } from '../../../src/sales/delivery/desk.js';
import { createPdfFiles } from '../../../src/sales/delivery/files.js';
import { createDocumentLinks } from '../../../src/sales/delivery/links.js';
import { createLeads, createRuleBriefExtractor, type Leads } from '../../../src/sales/leads/index.js';
import type { Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { pdfPages, shown } from '../documents/pdf-text.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
const logger = createLogger({ level: 'silent' });
const DAY = 24 * 3600_000;

let config: SalesConfig;
let dir: string;
let store: Store;
let leads: Leads;
let desk: DocumentDesk;
let deskDeps: DeskDeps;
let now: Date;
let delivered: Array<{ chatId: string; text: string; actor: string; source: { title: string } }>;
let deliverOk: boolean;

beforeAll(async () => {
  config = await loadSalesConfig(EXAMPLE);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'desk-'));
  now = new Date('2026-12-07T09:00:00Z');
  store = openSqliteStore({ path: join(dir, 'store.sqlite'), now: () => now });
  leads = createLeads({
    store,
    now: () => now,
    extractor: createRuleBriefExtractor(),
    sales: config,
    logger,
  });
  delivered = [];
  deliverOk = true;
  deskDeps = {
    sales: config,
    documents: store.salesDocuments,
    sequences: store.sequences,
    leads,
    files: createPdfFiles(join(dir, 'documents')),
    links: createDocumentLinks({
      documents: store.salesDocuments,
      publicUrl: () => 'https://shop.example',
      ttlDays: 14,
      now: () => now,
    }),
    deliver: async (chatId, text, actor, source) => {
      delivered.push({ chatId, text, actor, source });
      return { ok: deliverOk };
    },
    maxPdfBytes: 10 * 1024 * 1024,
    ttlDays: 14,
    now: () => now,
    logger,
    locale: 'ru',
  };
  desk = createDocumentDesk(deskDeps);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sofaLead(text = 'Здравствуйте, нужен диван, 2 шт. Телефон 8 (916) 123-45-67') {
  const { lead } = await leads.onBuyerMessage({
    channel: 'avito',
    conversationId: 'u2i-sofa',
    listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' },
    buyer: { name: 'Смирнова Анна' },
    message: { id: `m-${Math.random()}`, text, at: now },
  });
  return lead;
}

const tokenOf = (text: string) => /\/d\/([A-Za-z0-9_-]+)/.exec(text)![1]!;

describe('the owner’s documents for a lead', () => {
  it('when an offer is prepared, then it is priced from the listing’s product and the brief’s quantity, numbered and recorded on the lead', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.document).toMatchObject({
      number: 'КП-2026-0001',
      status: 'prepared',
      total: 2 * 32_900_00,
    });
    const text = (await pdfPages(prepared.pdf)).join(' ');
    expect(text).toContain('Смирнова Анна');
    expect(shown(text)).toContain('65 800,00');
    const after = await leads.get(lead.id);
    expect(after?.documents).toMatchObject([{ kind: 'offer', number: 'КП-2026-0001', total: 65_800_00 }]);
    expect(after?.amounts.quoted).toBe(65_800_00);
    expect(after?.stage).toBe('new');
    expect(delivered).toEqual([]);
  });

  it('when the listing sells nothing in the price list and nothing was quoted, then there is no order to price', async () => {
    const { lead } = await leads.onBuyerMessage({
      channel: 'avito',
      conversationId: 'u2i-laptop',
      listing: { itemId: '4341979280', title: 'Ноутбук Lenovo' },
      buyer: { name: 'Олег' },
      message: { id: 'm-laptop', text: 'Сколько стоит?', at: now },
    });
    expect(await desk.prepare(lead.id, 'offer', 'tg:1')).toEqual({ ok: false, reason: 'no_order' });
    expect(await store.sequences.next('probe')).toBe(1);
  });

  it('when the owner sends it, then the buyer gets a link in the lead’s chat, the lead moves to offer_sent, and a second tap sends nothing', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    const sent = await desk.send(prepared.document.id, 'tg:1');
    expect(sent).toMatchObject({ ok: true });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      chatId: 'u2i-sofa',
      actor: 'tg:1',
      source: { title: prepared.document.title },
    });
    expect(delivered[0]!.text).toMatch(
      /^Коммерческое предложение № КП-2026-0001: https:\/\/shop\.example\/d\/[A-Za-z0-9_-]{43}\nСсылка действует до 21\.12\.2026\.$/,
    );
    const after = await leads.get(lead.id);
    expect(after?.stage).toBe('offer_sent');
    expect(after?.documents[0]?.sentAt).toEqual(now);
    expect(await desk.send(prepared.document.id, 'tg:1')).toEqual({
      ok: false,
      reason: 'stale',
      status: 'sent',
    });
    expect(delivered).toHaveLength(1);
  });

  it('when the locale is en, then the buyer’s link message and the document’s title are in English', async () => {
    const english = createDocumentDesk({ ...deskDeps, locale: 'en' });
    const lead = await sofaLead();
    const prepared = await english.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.document.title).toBe('Commercial offer No. КП-2026-0001');
    expect(await english.send(prepared.document.id, 'tg:1')).toMatchObject({ ok: true });
    expect(delivered[0]!.text).toMatch(
      /^Commercial offer No\. КП-2026-0001: https:\/\/shop\.example\/d\/[A-Za-z0-9_-]{43}\nThe link works until 21\.12\.2026\.$/,
    );
  });

  it('when ✅ and ✖️ (or two ✅) arrive at once, then the buyer gets at most one link', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    const id = prepared.document.id;
    const results = await Promise.all([
      desk.send(id, 'tg:1'),
      desk.send(id, 'tg:2'),
      desk.cancel(id, 'tg:3'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(delivered.length).toBeLessThanOrEqual(1);
    const status = (await desk.get(id))?.status;
    expect(delivered).toHaveLength(status === 'sent' ? 1 : 0);
  });

  it('when an invoice is sent, then the lead is invoiced with the amount in kopecks', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'invoice', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.document.number).toBe('СЧ-2026-0001');
    await desk.send(prepared.document.id, 'tg:1');
    const after = await leads.get(lead.id);
    expect(after).toMatchObject({ stage: 'invoiced', amounts: { invoiced: 65_800_00 } });
  });

  it('when the lead is already further on, then sending an offer leaves its stage alone', async () => {
    const lead = await sofaLead();
    await leads.moveStage(lead.id, 'paid', 'tg:1');
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(await desk.send(prepared.document.id, 'tg:1')).toMatchObject({ ok: true });
    expect((await leads.get(lead.id))?.stage).toBe('paid');
  });

  it('when the owner regenerates, then the number stays; when the owner cancels, then nothing goes out and the file is gone', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    const again = await desk.regenerate(prepared.document.id);
    expect(again).toMatchObject({ ok: true, document: { number: 'КП-2026-0001' } });
    expect(await desk.cancel(prepared.document.id, 'tg:1')).toMatchObject({ ok: true });
    expect(await desk.send(prepared.document.id, 'tg:1')).toEqual({
      ok: false,
      reason: 'stale',
      status: 'cancelled',
    });
    expect(readdirSync(join(dir, 'documents'))).toEqual([]);
    expect(delivered).toEqual([]);
  });

  it('when the buyer’s chat cannot be reached, then the document stays prepared and the lead does not move', async () => {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    deliverOk = false;
    expect(await desk.send(prepared.document.id, 'tg:1')).toEqual({ ok: false, reason: 'not_delivered' });
    expect((await desk.get(prepared.document.id))?.status).toBe('prepared');
    expect((await leads.get(lead.id))?.stage).toBe('new');
  });
});

describe('GET /d/<token>', () => {
  async function serve() {
    const app = express();
    mountDocumentLinks(app, (token) => desk.download(token));
    app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
  }

  async function sentOffer() {
    const lead = await sofaLead();
    const prepared = await desk.prepare(lead.id, 'offer', 'tg:1');
    if (!prepared.ok) throw new Error(prepared.reason);
    await desk.send(prepared.document.id, 'tg:1');
    return { lead, token: tokenOf(delivered.at(-1)!.text), pdf: prepared.pdf };
  }

  it('when the buyer opens the link, then the PDF downloads and each download is counted on the lead', async () => {
    const { lead, token, pdf } = await sentOffer();
    const http = await serve();
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${http.url}/d/${token}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        expect(res.headers.get('content-disposition')).toBe('attachment; filename="offer-KP-2026-0001.pdf"');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf);
      }
      expect((await leads.get(lead.id))?.documents[0]?.downloads).toBe(2);
      const audit = await store.audit.query({ leadId: lead.id, action: 'lead.document.download' });
      expect(audit).toHaveLength(2);
    } finally {
      await http.close();
    }
  });

  it('when a token is wrong, malformed, missing or expired, then the answer is the same plain 404 as an unknown path', async () => {
    const { lead, token } = await sentOffer();
    const http = await serve();
    try {
      const unknownPath = await fetch(`${http.url}/nothing-here`);
      const expected = { status: unknownPath.status, body: await unknownPath.text() };
      const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      for (const path of [`/d/${wrong}`, '/d/short', '/d/', '/d', `/d/${token}x`]) {
        const res = await fetch(`${http.url}${path}`);
        expect({ path, status: res.status, body: await res.text() }).toEqual({ path, ...expected });
      }
      now = new Date(now.getTime() + 14 * DAY + 1000);
      const expired = await fetch(`${http.url}/d/${token}`);
      expect({ status: expired.status, body: await expired.text() }).toEqual(expected);
      expect((await leads.get(lead.id))?.documents[0]?.downloads).toBeUndefined();
    } finally {
      await http.close();
    }
  });

  it('when links are stored, then only the token’s SHA-256 is kept, never the token', async () => {
    const { token } = await sentOffer();
    const digest = createHash('sha256').update(token).digest('hex');
    expect(await store.salesDocuments.findLink(digest)).toMatchObject({
      kind: 'offer',
      number: 'КП-2026-0001',
    });
    const db = new DatabaseSync(join(dir, 'store.sqlite'), { readOnly: true });
    try {
      expect(db.prepare('SELECT * FROM document_links').all()).toEqual([
        expect.objectContaining({ token_hash: digest }),
      ]);
      expect(JSON.stringify(db.prepare('SELECT * FROM document_links').all())).not.toContain(token);
    } finally {
      db.close();
    }
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when the retention sweep runs, then PDFs older than the links are removed and recent ones stay', async () => {
    const { token } = await sentOffer();
    const [file] = readdirSync(join(dir, 'documents'));
    expect(await desk.sweep()).toBe(0);
    const old = new Date(now.getTime() - 16 * DAY);
    utimesSync(join(dir, 'documents', file!), old, old);
    expect(await desk.sweep()).toBe(1);
    expect(await desk.download(token)).toBeNull();
  });
});
