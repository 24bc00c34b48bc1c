import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { Lead, SalesDocument, SalesDocumentStatus } from '../../models/records.js';
import type { SalesDocumentRepository, SequenceRepository } from '../../store/port.js';
import type { SalesConfig } from '../config.js';
import { issueDocument } from '../documents/issue.js';
import { MissingRequisitesError, PdfTooLargeError } from '../documents/errors.js';
import type { Buyer } from '../documents/requisites.js';
import type { DocumentKind } from '../documents/template.js';
import type { Leads } from '../leads/index.js';
import { type Quote, QuoteError, type QuoteRequest } from '../pricing/calculate.js';
import { MILLI } from '../quantity.js';
import { type Locale, textsFor } from '../../texts/index.js';
import { formatDateShort, localDate } from '../time.js';
import type { PdfFiles } from './files.js';
import type { DocumentLinks } from './links.js';

/**
 * The owner's documents for a lead: 📄 offer, 📝 contract, 🧾 invoice are rendered (numbered from the store's
 * counters) and shown to the owner first; ✅ sends the buyer a download link through the responder's normal
 * delivery, 🔄 renders again with the same number, ✖️ drops it. The buyer's link opens the PDF until it
 * expires, and each download is counted on the lead.
 */

export type DeskDocumentStatus = SalesDocumentStatus;

/** A document the owner has been shown, as the store keeps it, with the order it was priced from. */
export type DeskDocument = Omit<SalesDocument, 'order'> & { order: QuoteRequest };

/** An order as stored (by this code, or an older version): read back through this before it is priced. */
const storedOrder: z.ZodType<QuoteRequest> = z.object({
  items: z
    .array(
      z.object({
        product: z.string().min(1),
        qty: z.number().int().positive().optional(),
        options: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
  coefficients: z.record(z.string(), z.string()).optional(),
  discounts: z
    .array(
      z.union([
        z.object({ rule: z.string().min(1) }),
        z.object({ percent: z.number().int() }),
        z.object({ amount: z.number().int() }),
      ]),
    )
    .optional(),
});

export type DeskFailure =
  | { reason: 'not_found' }
  /** No order for the lead: the listing names no configured product and none was quoted (/quote). */
  | { reason: 'no_order' }
  | { reason: 'missing_requisites'; missing: string[] }
  | { reason: 'too_large' }
  | { reason: 'quote_error'; message: string }
  /** Already sent or cancelled (a double tap). */
  | { reason: 'stale'; status: DeskDocumentStatus }
  /** The responder refused the message to the buyer (no such chat). */
  | { reason: 'not_delivered' };

export type DeskResult<T> = ({ ok: true } & T) | ({ ok: false } & DeskFailure);

/** Sends the buyer a text through the responder (an owner-approved message: stored, audited, retried). */
export type BuyerDelivery = (
  chatId: string,
  text: string,
  actor: string,
  source: { title: string },
) => Promise<{ ok: boolean }>;

export interface DeskDeps {
  sales: SalesConfig;
  /** The documents, their links, and the order quoted for a lead (/quote), kept for its next documents. */
  documents: SalesDocumentRepository;
  sequences: SequenceRepository;
  leads: Leads;
  files: PdfFiles;
  links: DocumentLinks;
  deliver: BuyerDelivery;
  maxPdfBytes: number;
  /** DOCUMENT_LINK_TTL_DAYS: links, prepared documents and their files live this long. */
  ttlDays: number;
  now: () => Date;
  logger: Logger;
  /** BOT_LOCALE: the documents' headings and the buyer's link message. */
  locale: Locale;
}

/** The buyer's requisites a document prints, from what the lead knows. */
export function buyerOf(lead: Lead, locale: Locale): Buyer {
  const address = lead.brief['address']?.value;
  return {
    name: lead.contact.name ?? textsFor(locale).documents.delivery.unnamedBuyer,
    ...(lead.contact.phone ? { phone: lead.contact.phone } : {}),
    ...(lead.contact.email ? { email: lead.contact.email } : {}),
    ...(typeof address === 'string' && address ? { address } : {}),
  };
}

/** A file name that survives every browser and mail client: the number in Latin letters. */
export function pdfFileName(kind: DocumentKind, number: string): string {
  const latin: Record<string, string> = { К: 'K', П: 'P', Д: 'D', С: 'S', Ч: 'CH' };
  const safe = [...number].map((c) => latin[c] ?? (/[A-Za-z0-9-]/.test(c) ? c : '')).join('');
  return `${kind}-${safe || 'document'}.pdf`;
}

export function createDocumentDesk(deps: DeskDeps) {
  const ttlMs = deps.ttlDays * 24 * 3600_000;
  const list = deps.sales.priceList;

  /** A stored document with its order; one whose order no longer reads is not found (logged). */
  const withOrder = (doc: SalesDocument | null): DeskDocument | null => {
    if (!doc) return null;
    const order = storedOrder.safeParse(doc.order);
    if (order.success) return { ...doc, order: order.data };
    deps.logger.error(
      { documentId: doc.id, issues: order.error.issues },
      'stored document has an unreadable order',
    );
    return null;
  };
  const load = async (id: string) => withOrder(await deps.documents.get(id));
  /** Moves a document on if it is still in `from` (a double tap finds it moved and gets `stale`). */
  const move = async (
    doc: DeskDocument,
    from: readonly DeskDocumentStatus[],
    patch: Parameters<SalesDocumentRepository['update']>[2],
  ): Promise<DeskResult<{ document: DeskDocument }>> => {
    const next = withOrder(await deps.documents.update(doc.id, from, patch));
    if (next) return { ok: true, document: next };
    const now = await deps.documents.get(doc.id);
    return now ? { ok: false, reason: 'stale', status: now.status } : { ok: false, reason: 'not_found' };
  };

  /** The order a lead's documents are priced from: the one quoted for it, else its listing's product. */
  async function orderFor(lead: Lead): Promise<QuoteRequest | null> {
    const saved = storedOrder.safeParse(await deps.documents.getOrder(lead.id));
    if (saved.success) return saved.data;
    const itemId = lead.listing?.itemId;
    const title = lead.listing?.title?.toLowerCase() ?? '';
    const product =
      list.products.find((p) => itemId && p.avito_item_ids.includes(itemId)) ??
      list.products.find(
        (p) => title && [p.title, ...p.aliases].some((n) => title.includes(n.toLowerCase())),
      );
    if (!product) return null;
    const asked = lead.brief['quantity']?.value;
    const qty =
      typeof asked === 'number' && Number.isFinite(asked) ? Math.round(asked * MILLI) : product.quantity.min;
    const fits = qty >= product.quantity.min && qty <= product.quantity.max;
    return { items: [{ product: product.id, qty: fits ? qty : product.quantity.min }] };
  }

  async function render(
    lead: Lead,
    kind: DocumentKind,
    order: QuoteRequest,
    number: string | null,
  ): Promise<DeskResult<{ issued: Awaited<ReturnType<typeof issueDocument>> }>> {
    try {
      const issued = await issueDocument({
        kind,
        config: deps.sales,
        order,
        buyer: buyerOf(lead, deps.locale),
        lead: { id: lead.id, ...(lead.listing?.title ? { listing: lead.listing.title } : {}) },
        now: deps.now(),
        numbering: number ? { number } : { sequences: deps.sequences },
        maxBytes: deps.maxPdfBytes,
        locale: deps.locale,
      });
      return { ok: true, issued };
    } catch (err) {
      if (err instanceof MissingRequisitesError)
        return { ok: false, reason: 'missing_requisites', missing: [...err.missing] };
      if (err instanceof PdfTooLargeError) return { ok: false, reason: 'too_large' };
      if (err instanceof QuoteError) return { ok: false, reason: 'quote_error', message: err.message };
      throw err;
    }
  }

  async function view(doc: DeskDocument): Promise<DeskResult<{ document: DeskDocument; pdf: Uint8Array }>> {
    const pdf = await deps.files.read(doc.id);
    return pdf ? { ok: true, document: doc, pdf } : { ok: false, reason: 'not_found' };
  }

  /** Keeps `order` as the lead's order: its next documents are priced from it (the /quote flow). */
  async function saveOrder(leadId: string, order: QuoteRequest): Promise<void> {
    await deps.documents.setOrder(leadId, order);
  }

  return {
    orderFor,
    saveOrder,

    /** Prices the lead's order, renders the document with the next number, and records it on the lead. */
    async prepare(
      leadId: string,
      kind: DocumentKind,
      actor: string,
      order?: QuoteRequest,
    ): Promise<DeskResult<{ document: DeskDocument; pdf: Uint8Array; quote: Quote }>> {
      const lead = await deps.leads.get(leadId);
      if (!lead) return { ok: false, reason: 'not_found' };
      const chosen = order ?? (await orderFor(lead));
      if (!chosen) return { ok: false, reason: 'no_order' };
      const rendered = await render(lead, kind, chosen, null);
      if (!rendered.ok) return rendered;
      const { issued } = rendered;
      const doc: DeskDocument = {
        id: randomBytes(12).toString('base64url'),
        leadId,
        kind,
        number: issued.number,
        title: issued.title,
        total: issued.quote.total,
        order: chosen,
        status: 'prepared',
        fileName: pdfFileName(kind, issued.number),
        pages: issued.pages,
        bytes: issued.pdf.byteLength,
        createdAt: deps.now(),
        sentAt: null,
      };
      await deps.files.write(doc.id, issued.pdf);
      await deps.documents.create(doc);
      if (order) await saveOrder(leadId, order);
      // The number is taken: the document is the lead's from now on, sent or not (no gaps in the records).
      await deps.leads.attachDocument(
        leadId,
        { kind, number: issued.number, total: issued.quote.total, issuedAt: issued.quote.issuedAt },
        actor,
      );
      return { ok: true, document: doc, pdf: issued.pdf, quote: issued.quote };
    },

    /** 🔄 Renders a prepared document again (prices and requisites as they are now), keeping its number. */
    async regenerate(id: string): Promise<DeskResult<{ document: DeskDocument; pdf: Uint8Array }>> {
      const doc = await load(id);
      if (!doc) return { ok: false, reason: 'not_found' };
      if (doc.status !== 'prepared') return { ok: false, reason: 'stale', status: doc.status };
      const lead = await deps.leads.get(doc.leadId);
      if (!lead) return { ok: false, reason: 'not_found' };
      const rendered = await render(lead, doc.kind, doc.order, doc.number);
      if (!rendered.ok) return rendered;
      await deps.files.write(doc.id, rendered.issued.pdf);
      const moved = await move(doc, ['prepared'], {
        total: rendered.issued.quote.total,
        pages: rendered.issued.pages,
        bytes: rendered.issued.pdf.byteLength,
      });
      return moved.ok ? { ...moved, pdf: rendered.issued.pdf } : moved;
    },

    /** ✖️ The owner drops a prepared document: nothing goes to the buyer, the file is removed. */
    async cancel(id: string, actor: string): Promise<DeskResult<{ document: DeskDocument }>> {
      const doc = await load(id);
      if (!doc) return { ok: false, reason: 'not_found' };
      if (doc.status !== 'prepared') return { ok: false, reason: 'stale', status: doc.status };
      const moved = await move(doc, ['prepared'], { status: 'cancelled' });
      if (!moved.ok) return moved;
      await deps.files.remove(doc.id);
      deps.logger.info({ leadId: doc.leadId, number: doc.number, actor }, 'document cancelled');
      return moved;
    },

    /**
     * ✅ Sends the buyer a link to the document in the lead's conversation (through the responder), notes it
     * on the lead and moves the lead on (offer → offer_sent, invoice → invoiced).
     */
    async send(id: string, actor: string): Promise<DeskResult<{ document: DeskDocument; url: string }>> {
      const doc = await load(id);
      if (!doc) return { ok: false, reason: 'not_found' };
      if (doc.status !== 'prepared') return { ok: false, reason: 'stale', status: doc.status };
      const lead = await deps.leads.get(doc.leadId);
      if (!lead) return { ok: false, reason: 'not_found' };
      // Claimed before anything goes out (compare-and-set): a second tap, here or in another process, finds it sent.
      const claimed = await move(doc, ['prepared'], { status: 'sent', sentAt: deps.now() });
      if (!claimed.ok) return claimed;
      const sent = claimed.document;
      const link = await deps.links.issue({
        documentId: doc.id,
        leadId: doc.leadId,
        kind: doc.kind,
        number: doc.number,
      });
      await deps.files.touch(doc.id);
      const until = formatDateShort(localDate(link.expiresAt, deps.sales.timeZone));
      const text = textsFor(deps.locale).documents.delivery.message(doc.title, link.url, until);
      const conversation = lead.conversations.at(-1) ?? {
        channel: lead.channel,
        conversationId: lead.conversationId,
      };
      const delivered = await deps.deliver(conversation.conversationId, text, actor, { title: doc.title });
      if (!delivered.ok) {
        await deps.documents.update(doc.id, ['sent'], { status: 'prepared', sentAt: null });
        return { ok: false, reason: 'not_delivered' };
      }
      await deps.leads.documentSent(doc.leadId, { kind: doc.kind, number: doc.number }, actor);
      return { ok: true, document: sent, url: link.url };
    },

    /** What a buyer's link opens: the PDF, counted on the lead; null for a wrong or expired link. */
    async download(token: string): Promise<{ pdf: Uint8Array; fileName: string } | null> {
      const target = await deps.links.resolve(token);
      if (!target) return null;
      const doc = await load(target.documentId);
      const pdf = doc && doc.status === 'sent' ? await deps.files.read(doc.id) : null;
      if (!doc || !pdf) return null;
      try {
        await deps.leads.documentDownloaded(target.leadId, { kind: target.kind, number: target.number });
      } catch (err) {
        // The buyer still gets the file; the count is the lead's bookkeeping.
        deps.logger.warn({ err, leadId: target.leadId }, 'document download not counted');
      }
      return { pdf, fileName: doc.fileName };
    },

    get: load,
    view,

    /** Removes expired links and the PDFs older than the links that may point to them. */
    async sweep(): Promise<number> {
      await deps.documents.removeExpiredLinks(deps.now());
      return deps.files.sweep(ttlMs + 24 * 3600_000, deps.now());
    },
  };
}

export type DocumentDesk = ReturnType<typeof createDocumentDesk>;
