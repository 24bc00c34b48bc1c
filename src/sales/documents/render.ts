import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatRubles } from '../money.js';
import type { Quote } from '../pricing/calculate.js';
import { formatQuantity } from '../quantity.js';
import { type Locale, type DocumentTexts, textsFor } from '../../texts/index.js';
import type { Buyer, Seller } from './requisites.js';
import {
  type Block,
  type DocumentKind,
  fillLine,
  missingValues,
  type Template,
  type TemplateValues,
  type WidgetName,
} from './template.js';
import { MissingRequisitesError, PdfTooLargeError } from './errors.js';
import { signatureName } from './values.js';

/**
 * Templates → PDF with pdfkit. The Cyrillic font (DejaVu Sans) comes from the `dejavu-fonts-ttf`
 * package and is embedded (subset), so no system font is assumed anywhere the service runs.
 */

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};
// Fonts are named by their paths: pdfkit caches a font under the name it was first opened with, and
// re-parses the file on every switch when the same face is registered under a second name.
const REGULAR = FONT_FILES.regular;
const BOLD = FONT_FILES.bold;

const SIZE = { body: 9.5, table: 8.5, small: 7, title: 13, heading: 10.5 };
const MARGINS = { top: 40, bottom: 50, left: 50, right: 40 };
const PAD = { x: 3, y: 3 };
const LINE_GAP = 1.5;

export interface RenderInput {
  kind: DocumentKind;
  template: Template;
  values: TemplateValues;
  quote: Quote;
  seller: Seller;
  buyer: Buyer;
  /** «Счёт на оплату № СЧ-2026-0001»: the PDF's title and the footer of long documents. */
  title: string;
  /** Written as the PDF's creation date, so the same input gives the same file. */
  createdAt: Date;
  /** The language of the headings, requisites and totals around the template's text. Default ru. */
  locale?: Locale;
}

type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'right' | 'center' | 'justify';

/** Bytes of the document as pdfkit streams them, refusing to keep more than `maxBytes`. */
function collect(doc: Doc, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    doc.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit nothing more is kept; the size is still counted for the message.
      if (size <= maxBytes) chunks.push(chunk);
    });
    doc.on('error', reject);
    doc.on('end', () => {
      if (size > maxBytes) reject(new PdfTooLargeError(size, maxBytes));
      else resolve(new Uint8Array(Buffer.concat(chunks)));
    });
  });
}

/** `**bold**` segments of a line. */
function segmentsOf(text: string): { text: string; bold: boolean }[] {
  return text
    .split('**')
    .map((part, i) => ({ text: part, bold: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

class Writer {
  readonly texts: DocumentTexts;
  constructor(
    readonly doc: Doc,
    readonly input: RenderInput,
  ) {
    this.texts = textsFor(input.locale).documents;
  }

  /** The documents' own texts (headings, requisites, columns). */
  get t(): DocumentTexts['document'] {
    return this.texts.document;
  }

  get left(): number {
    return this.doc.page.margins.left;
  }
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  font(bold: boolean, size: number): this {
    this.doc.font(bold ? BOLD : REGULAR).fontSize(size);
    return this;
  }

  height(text: string, width: number, bold = false, size = SIZE.body): number {
    this.font(bold, size);
    return this.doc.heightOfString(text, { width, lineGap: LINE_GAP });
  }

  /** One line of a paragraph, bold segments and all; pdfkit flows it onto the next page if needed. */
  line(text: string, align: Align, size = SIZE.body): void {
    const segments = segmentsOf(text);
    if (segments.length === 0) return;
    // Justification across font changes misplaces words in pdfkit: mixed lines stay left-aligned.
    const effective = segments.length > 1 && align === 'justify' ? 'left' : align;
    segments.forEach((segment, i) => {
      this.font(segment.bold, size);
      const options = {
        width: this.width,
        align: effective,
        lineGap: LINE_GAP,
        continued: i < segments.length - 1,
      };
      if (i === 0) this.doc.text(segment.text, this.left, this.doc.y, options);
      else this.doc.text(segment.text, options);
    });
  }

  fill(text: string): string | null {
    return fillLine(text, this.input.values);
  }

  value(name: string): string {
    return this.input.values[name]?.trim() ?? '';
  }

  block(block: Block): void {
    const doc = this.doc;
    switch (block.kind) {
      case 'title': {
        const text = this.fill(block.line.text);
        if (text === null) return;
        this.ensure(this.height(text, this.width, true, SIZE.title) + 40);
        doc.y += 4;
        this.line(`**${text.replaceAll('**', '')}**`, 'center', SIZE.title);
        doc.y += 4;
        return;
      }
      case 'heading': {
        const text = this.fill(block.line.text);
        if (text === null) return;
        // Keep a heading with at least a few lines of what follows it.
        this.ensure(this.height(text, this.width, true, SIZE.heading) + 50);
        doc.y += 6;
        this.line(`**${text.replaceAll('**', '')}**`, 'left', SIZE.heading);
        doc.y += 2;
        return;
      }
      case 'paragraph': {
        let wrote = false;
        for (const l of block.lines) {
          const text = this.fill(l.text);
          if (text === null) continue;
          this.line(text, block.align);
          wrote = true;
        }
        if (wrote) doc.y += 5;
        return;
      }
      case 'rule': {
        this.ensure(8);
        const y = doc.y + 2;
        doc
          .moveTo(this.left, y)
          .lineTo(this.left + this.width, y)
          .lineWidth(1.2)
          .stroke();
        doc.y = y + 6;
        return;
      }
      case 'widget':
        this.widget(block.name);
    }
  }

  widget(name: WidgetName): void {
    switch (name) {
      case 'bank':
        return this.bank();
      case 'items':
        return this.items();
      case 'totals':
        return this.totals();
      case 'signatures':
        return this.signatures();
      case 'requisites':
        return this.requisites();
      case 'page_break':
        this.doc.addPage();
    }
  }

  /** Text in a cell, top-left at (x, y), without moving the flow. */
  cell(
    text: string,
    x: number,
    y: number,
    width: number,
    options: { bold?: boolean; size?: number; align?: Align } = {},
  ) {
    this.font(options.bold ?? false, options.size ?? SIZE.table);
    this.doc.text(text, x + PAD.x, y + PAD.y, {
      width: width - 2 * PAD.x,
      align: options.align ?? 'left',
      lineGap: LINE_GAP,
      lineBreak: true,
    });
  }

  cellHeight(text: string, width: number, bold = false, size = SIZE.table): number {
    return this.height(text, width - 2 * PAD.x, bold, size) + 2 * PAD.y;
  }

  /** The invoice's payment box, as Russian banks print it. */
  bank(): void {
    const doc = this.doc;
    const x = this.left;
    const w = this.width;
    const c1 = Math.round(w * 0.56);
    const c2 = Math.round(w * 0.1);
    const c3 = w - c1 - c2;
    const label = 12;
    const row = this.cellHeight('0', c3);
    const bankName = this.cellHeight(this.value('seller.bank.name'), c1);
    const seller = this.cellHeight(this.value('seller.name'), c1);
    const hTop = Math.max(2 * row, bankName + label);
    const hBottom = Math.max(2 * row, row + seller + label);
    this.ensure(hTop + hBottom + 10);
    const y = doc.y;
    doc.lineWidth(0.6);
    doc.rect(x, y, w, hTop + hBottom).stroke();
    doc
      .moveTo(x + c1, y)
      .lineTo(x + c1, y + hTop + hBottom)
      .stroke();
    doc
      .moveTo(x + c1 + c2, y)
      .lineTo(x + c1 + c2, y + hTop + hBottom)
      .stroke();
    doc
      .moveTo(x + c1, y + row)
      .lineTo(x + w, y + row)
      .stroke();
    doc
      .moveTo(x, y + hTop)
      .lineTo(x + w, y + hTop)
      .stroke();
    doc
      .moveTo(x, y + hTop + row)
      .lineTo(x + c1, y + hTop + row)
      .stroke();
    const kpp = this.value('seller.kpp');
    if (kpp)
      doc
        .moveTo(x + c1 / 2, y + hTop)
        .lineTo(x + c1 / 2, y + hTop + row)
        .stroke();

    this.cell(this.value('seller.bank.name'), x, y, c1);
    this.cell(this.t.bank.bank, x, y + hTop - label, c1, { size: SIZE.small });
    this.cell(this.t.bank.bik, x + c1, y, c2);
    this.cell(this.value('seller.bank.bik'), x + c1 + c2, y, c3);
    this.cell(this.t.bank.account, x + c1, y + row, c2);
    this.cell(this.value('seller.bank.corr_account'), x + c1 + c2, y + row, c3);
    this.cell(this.t.inn(this.value('seller.inn')), x, y + hTop, kpp ? c1 / 2 : c1);
    if (kpp) this.cell(this.t.kpp(kpp), x + c1 / 2, y + hTop, c1 / 2);
    this.cell(this.value('seller.name'), x, y + hTop + row, c1);
    this.cell(this.t.bank.recipient, x, y + hTop + hBottom - label, c1, { size: SIZE.small });
    this.cell(this.t.bank.account, x + c1, y + hTop, c2);
    this.cell(this.value('seller.bank.account'), x + c1 + c2, y + hTop, c3);
    doc.x = x;
    doc.y = y + hTop + hBottom + 8;
  }

  /** The lines as a table; rows never split, the header repeats on every page. */
  items(): void {
    const doc = this.doc;
    const fixed = [22, 48, 36, 72, 80];
    const titleWidth = this.width - fixed.reduce((a, b) => a + b, 0);
    const columns: { label: string; width: number; align: Align }[] = [
      { label: this.t.columns.n, width: 22, align: 'center' },
      { label: this.t.columns.title, width: titleWidth, align: 'left' },
      { label: this.t.columns.qty, width: 48, align: 'right' },
      { label: this.t.columns.unit, width: 36, align: 'left' },
      { label: this.t.columns.price, width: 72, align: 'right' },
      { label: this.t.columns.amount, width: 80, align: 'right' },
    ];
    const showDetails = this.input.kind === 'offer';
    const drawRow = (cells: string[], bold: boolean, details: string[] = []) => {
      const detailText = details.map((d) => `• ${d}`).join('\n');
      const heights = cells.map((c, i) => this.cellHeight(c, columns[i]!.width, bold));
      if (detailText)
        heights[1] = heights[1]! + this.height(detailText, titleWidth - 2 * PAD.x, false, SIZE.small);
      const h = Math.max(...heights);
      if (doc.y + h > this.bottom) {
        doc.addPage();
        if (!bold)
          drawRow(
            columns.map((c) => c.label),
            true,
          );
      }
      const y = doc.y;
      let x = this.left;
      doc.lineWidth(0.5);
      cells.forEach((text, i) => {
        const col = columns[i]!;
        doc.rect(x, y, col.width, h).stroke();
        this.cell(text, x, y, col.width, { bold, align: col.align });
        if (i === 1 && detailText) {
          this.font(false, SIZE.small);
          doc.text(detailText, x + PAD.x, doc.y, { width: col.width - 2 * PAD.x, lineGap: LINE_GAP });
        }
        x += col.width;
      });
      doc.x = this.left;
      doc.y = y + h;
    };
    this.ensure(60);
    drawRow(
      columns.map((c) => c.label),
      true,
    );
    this.input.quote.lines.forEach((line, i) =>
      drawRow(
        [
          String(i + 1),
          line.title,
          formatQuantity(line.qty),
          line.unit,
          formatRubles(line.unitPrice),
          formatRubles(line.amount),
        ],
        false,
        showDetails ? (line.details ?? []) : [],
      ),
    );
    doc.y += 6;
  }

  /** Subtotal, discount, VAT and the total, right-aligned under the table; never split. */
  totals(): void {
    const doc = this.doc;
    const q = this.input.quote;
    const t = this.texts.quote;
    const rate = this.texts.percent(q.vatRate / 100);
    const rows: { label: string; value: string; bold?: boolean }[] = [
      { label: `${t.subtotal}:`, value: formatRubles(q.subtotal) },
    ];
    if (q.discount > 0)
      rows.push({ label: `${t.discount(q.discountTitles)}:`, value: formatRubles(-q.discount) });
    if (q.vatMode === 'added') rows.push({ label: `${t.vatAdded(rate)}:`, value: formatRubles(q.vat) });
    if (q.vatMode === 'none') rows.push({ label: `${t.noVat}:`, value: '—' });
    rows.push({ label: `${t.total}:`, value: formatRubles(q.total), bold: true });
    if (q.vatMode === 'included') rows.push({ label: `${t.vatIncluded(rate)}:`, value: formatRubles(q.vat) });
    const valueWidth = 90;
    const labelWidth = this.width - valueWidth - 6;
    const heights = rows.map((r) => this.height(r.label, labelWidth, true, SIZE.body) + 2);
    this.ensure(heights.reduce((a, b) => a + b, 0) + 6);
    rows.forEach((r, i) => {
      const y = doc.y;
      this.font(true, SIZE.body);
      doc.text(r.label, this.left, y, { width: labelWidth, align: 'right', lineGap: LINE_GAP });
      this.font(Boolean(r.bold), SIZE.body);
      doc.text(r.value, this.left + labelWidth + 6, y, {
        width: valueWidth,
        align: 'right',
        lineGap: LINE_GAP,
      });
      doc.x = this.left;
      doc.y = y + heights[i]!;
    });
    doc.y += 6;
  }

  signatoryTitle(): string {
    const position = this.value('seller.signatory.position');
    if (position) return position;
    return this.input.seller.inn?.length === 12 ? this.t.signatory.individual : this.t.signatory.head;
  }

  /** «Руководитель ________ / Иванов И. И. /» (and the accountant on invoices). */
  signatures(): void {
    const doc = this.doc;
    const name = this.value('seller.signatory.name');
    const rows = [{ role: this.signatoryTitle(), name }];
    if (this.input.kind === 'invoice')
      rows.push({ role: this.t.signatory.accountant, name: this.value('seller.accountant') || name });
    const roleWidth = 170;
    const lineWidth = 130;
    const rowHeight = 26;
    this.ensure(rows.length * rowHeight + 10);
    doc.y += 10;
    for (const row of rows) {
      const y = doc.y;
      this.font(false, SIZE.body);
      doc.text(row.role, this.left, y, { width: roleWidth });
      doc
        .moveTo(this.left + roleWidth + 6, y + 10)
        .lineTo(this.left + roleWidth + 6 + lineWidth, y + 10)
        .lineWidth(0.5)
        .stroke();
      doc.text(`/ ${row.name} /`, this.left + roleWidth + lineWidth + 14, y, {
        width: this.width - roleWidth - lineWidth - 14,
      });
      doc.x = this.left;
      doc.y = y + rowHeight;
    }
  }

  /** Both parties side by side with signature lines (the end of a contract); kept on one page. */
  requisites(): void {
    const doc = this.doc;
    const { seller, buyer } = this.input;
    const gap = 20;
    const colWidth = (this.width - gap) / 2;
    const bank = seller.bank;
    const sellerLines: { text: string; bold?: boolean }[] = [
      { text: this.t.parties.seller, bold: true },
      { text: seller.name ?? '', bold: true },
      {
        text: [seller.inn && this.t.inn(seller.inn), seller.kpp && this.t.kpp(seller.kpp)]
          .filter(Boolean)
          .join(', '),
      },
      { text: seller.ogrn ? `${this.value('seller.ogrn_label')} ${seller.ogrn}` : '' },
      { text: seller.address ? this.t.address(seller.address) : '' },
      { text: bank?.account ? this.t.account(bank.account) : '' },
      { text: bank?.name ? this.t.inBank(bank.name) : '' },
      { text: bank?.corr_account ? this.t.corrAccount(bank.corr_account) : '' },
      { text: bank?.bik ? this.t.bik(bank.bik) : '' },
      { text: seller.phone ? this.t.phone(seller.phone) : '' },
      { text: seller.email ? this.t.email(seller.email) : '' },
    ];
    const buyerLines: { text: string; bold?: boolean }[] = [
      { text: this.t.parties.buyer, bold: true },
      { text: buyer.name, bold: true },
      {
        text: [buyer.inn && this.t.inn(buyer.inn), buyer.kpp && this.t.kpp(buyer.kpp)]
          .filter(Boolean)
          .join(', '),
      },
      { text: buyer.address ? this.t.address(buyer.address) : '' },
      { text: buyer.phone ? this.t.phone(buyer.phone) : '' },
      { text: buyer.email ? this.t.email(buyer.email) : '' },
    ];
    const present = (lines: { text: string; bold?: boolean }[]) => lines.filter((l) => l.text.trim() !== '');
    const columns = [present(sellerLines), present(buyerLines)];
    const heightOf = (lines: { text: string; bold?: boolean }[]) =>
      lines.reduce((acc, l) => acc + this.height(l.text, colWidth, l.bold, SIZE.body), 0);
    const signature = 40;
    this.ensure(Math.max(...columns.map(heightOf)) + signature + 10);
    const top = doc.y;
    let bottom = top;
    columns.forEach((lines, i) => {
      const x = this.left + i * (colWidth + gap);
      doc.y = top;
      for (const l of lines) {
        this.font(Boolean(l.bold), SIZE.body);
        doc.text(l.text, x, doc.y, { width: colWidth, lineGap: LINE_GAP });
      }
      bottom = Math.max(bottom, doc.y);
    });
    const signers = [this.value('seller.signatory.name'), signatureName(buyer.name)];
    signers.forEach((name, i) => {
      const x = this.left + i * (colWidth + gap);
      const y = bottom + 24;
      doc
        .moveTo(x, y)
        .lineTo(x + 110, y)
        .lineWidth(0.5)
        .stroke();
      this.font(false, SIZE.body);
      doc.text(`/ ${name} /`, x + 116, y - 9, { width: colWidth - 116 });
    });
    doc.x = this.left;
    doc.y = bottom + signature;
  }

  /** «Счёт на оплату № … — стр. 1 из 2» at the foot of every page of a document longer than one. */
  footers(): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    if (range.count < 2) return;
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      const margin = doc.page.margins.bottom;
      // Writing inside the bottom margin would make pdfkit start a new page.
      doc.page.margins.bottom = 0;
      this.font(false, SIZE.small);
      doc.text(this.t.page(this.input.title, i + 1, range.count), this.left, doc.page.height - 30, {
        width: this.width,
        align: 'center',
        lineBreak: false,
      });
      doc.page.margins.bottom = margin;
    }
  }
}

export interface RenderOptions {
  /** The largest PDF allowed (MAX_PDF_SIZE_MB); a larger one is a {@link PdfTooLargeError}. */
  maxBytes: number;
}

/**
 * Renders a document to PDF. Checks first that every value the template needs is there
 * ({@link MissingRequisitesError} lists what is not), then lays the blocks out on A4 pages.
 */
export async function renderPdf(
  input: RenderInput,
  options: RenderOptions,
): Promise<{ pdf: Uint8Array; pages: number }> {
  const missing = missingValues(input.template, input.values);
  if (missing.length > 0) throw new MissingRequisitesError(input.kind, input.template.origin, missing);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    bufferPages: true,
    font: FONT_FILES.regular,
    lang: input.locale === 'en' ? 'en-GB' : 'ru-RU',
    displayTitle: true,
    info: {
      Title: input.title,
      Author: input.seller.name ?? '',
      Creator: 'avito-responder',
      Producer: 'avito-responder',
      CreationDate: input.createdAt,
      ModDate: input.createdAt,
    },
  });
  const bytes = collect(doc, options.maxBytes);
  const writer = new Writer(doc, input);
  writer.font(false, SIZE.body);
  for (const block of input.template.blocks) writer.block(block);
  writer.footers();
  const pages = doc.bufferedPageRange().count;
  doc.end();
  return { pdf: await bytes, pages };
}
