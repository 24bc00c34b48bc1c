/**
 * The document template format: plain text a seller edits without code (see docs/sales.md).
 *
 * ```
 * // a comment line
 * # Title, centred and bold
 * ## Heading, bold
 * A paragraph: lines that follow each other; a blank line ends it. **Bold** inside a line.
 * > A right-aligned paragraph
 * Поставщик: {{seller.name}}, ИНН {{seller.inn}}, КПП {{seller.kpp?}}
 * ---
 * [[items]]
 * ```
 *
 * `{{name}}` is replaced by a value and must have one (a template that needs a missing requisite fails
 * with the list of what is missing); `{{name?}}` is optional (empty when missing), and a line whose
 * placeholders are all optional and all empty is left out. `[[block]]` on its own line places a ready-made block (bank details, the items
 * table, totals, signatures, both parties' requisites, a page break).
 */

export const DOCUMENT_KINDS = ['offer', 'contract', 'invoice'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Ready-made blocks and the values each needs. */
export const WIDGETS = {
  /** The invoice's payment box: bank, БИК, accounts, recipient. */
  bank: [
    'seller.name',
    'seller.inn',
    'seller.bank.name',
    'seller.bank.bik',
    'seller.bank.corr_account',
    'seller.bank.account',
  ],
  /** The table of lines: №, title, quantity, unit, price, amount. */
  items: [],
  /** Subtotal, discount, VAT, total. */
  totals: [],
  /** The seller's signatory (and accountant) under the document. */
  signatures: ['seller.signatory.name'],
  /** Two columns: the seller's and the buyer's requisites with signature lines (contracts). */
  requisites: [
    'seller.name',
    'seller.inn',
    'seller.address',
    'seller.bank.name',
    'seller.bank.bik',
    'seller.bank.corr_account',
    'seller.bank.account',
    'seller.signatory.name',
    'buyer.name',
  ],
  page_break: [],
} as const satisfies Record<string, readonly string[]>;
export type WidgetName = keyof typeof WIDGETS;

/** Every value a template may use; `terms.<key>` comes from the configuration's `documents.terms`. */
export const PLACEHOLDERS = [
  'number',
  'date',
  'date_short',
  'year',
  'valid_until',
  'valid_until_short',
  'seller.name',
  'seller.inn',
  'seller.kpp',
  'seller.ogrn',
  'seller.ogrn_label',
  'seller.address',
  'seller.phone',
  'seller.email',
  'seller.website',
  'seller.bank.name',
  'seller.bank.bik',
  'seller.bank.corr_account',
  'seller.bank.account',
  'seller.signatory.name',
  'seller.signatory.position',
  'seller.signatory.acting',
  'seller.accountant',
  'seller.summary',
  'seller.party',
  'buyer.name',
  'buyer.inn',
  'buyer.kpp',
  'buyer.address',
  'buyer.phone',
  'buyer.email',
  'buyer.acting',
  'buyer.summary',
  'buyer.party',
  'lead.id',
  'lead.listing',
  'contract.number',
  'contract.date',
  'subtotal',
  'discount',
  'vat',
  'vat_line',
  'total',
  'total_words',
  'items_count',
] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];
const KNOWN = new Set<string>(PLACEHOLDERS);
const TERM = /^terms\.[a-z0-9_]{1,64}$/;

/** Russian names of requisites, for the "missing" message a seller reads. */
const LABELS: Record<string, string> = {
  'seller.name': 'наименование продавца',
  'seller.inn': 'ИНН',
  'seller.kpp': 'КПП',
  'seller.ogrn': 'ОГРН/ОГРНИП',
  'seller.address': 'адрес',
  'seller.phone': 'телефон',
  'seller.email': 'e-mail',
  'seller.bank.name': 'банк',
  'seller.bank.bik': 'БИК',
  'seller.bank.corr_account': 'корр. счёт',
  'seller.bank.account': 'расчётный счёт',
  'seller.signatory.name': 'подписант',
  'seller.signatory.position': 'должность подписанта',
  'seller.signatory.acting': 'в лице кого действует продавец',
  'seller.accountant': 'бухгалтер',
  'buyer.name': 'покупатель',
  'buyer.address': 'адрес покупателя',
  'buyer.inn': 'ИНН покупателя',
};

/**
 * Values made of others (a one-line summary of the seller, "ООО «…», в лице …"): a template that needs
 * one needs what it is made of.
 */
const DERIVED: Record<string, readonly string[]> = {
  'seller.summary': ['seller.name', 'seller.inn'],
  'seller.party': ['seller.name'],
  'seller.ogrn_label': ['seller.ogrn'],
  'buyer.summary': ['buyer.name'],
  'buyer.party': ['buyer.name'],
};

/** Text with `{{…}}` and `**…**` still in it; resolved at render time. */
export interface TemplateLine {
  text: string;
  /** 1-based line in the template file, for messages. */
  line: number;
}

export interface ParagraphBlock {
  kind: 'paragraph';
  align: 'justify' | 'right' | 'center';
  lines: TemplateLine[];
}

export type Block =
  | { kind: 'title'; line: TemplateLine }
  | { kind: 'heading'; line: TemplateLine }
  | ParagraphBlock
  | { kind: 'rule' }
  | { kind: 'widget'; name: WidgetName };

export interface Template {
  kind: DocumentKind;
  /** Where it came from (a file path or "default"), for messages. */
  origin: string;
  blocks: Block[];
  /** Every placeholder used, with whether it is optional. */
  placeholders: { name: string; optional: boolean; line: number }[];
}

/** A template that cannot be used, with every problem (line by line). */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(`template ${origin}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WIDGET_LINE = /^\[\[\s*([a-z_]+)\s*\]\]$/;

/** Placeholders of one line of text: `{{ seller.inn }}`, `{{buyer.phone?}}`. */
export function placeholdersIn(text: string): { name: string; optional: boolean; raw: string }[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => {
    const inner = m[1]!;
    const optional = inner.endsWith('?');
    return { name: optional ? inner.slice(0, -1).trim() : inner, optional, raw: m[0] };
  });
}

/** Parses a template; throws {@link TemplateError} listing unknown placeholders and blocks. */
export function parseTemplate(source: string, kind: DocumentKind, origin: string): Template {
  const problems: string[] = [];
  const blocks: Block[] = [];
  const placeholders: Template['placeholders'] = [];
  let paragraph: ParagraphBlock | null = null;
  const close = () => {
    if (paragraph) blocks.push(paragraph);
    paragraph = null;
  };
  for (const [index, raw] of source.split(/\r?\n/).entries()) {
    const n = index + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('//')) continue;
    if (trimmed === '') {
      close();
      continue;
    }
    const stripped = trimmed.replace(PLACEHOLDER, '');
    if (stripped.includes('{{') || stripped.includes('}}')) problems.push(`line ${n}: an unclosed {{ or }}`);
    for (const p of placeholdersIn(trimmed)) {
      if (!KNOWN.has(p.name) && !TERM.test(p.name)) {
        problems.push(
          `line ${n}: unknown placeholder ${p.raw}; known: ${PLACEHOLDERS.join(', ')}, terms.<name>`,
        );
      }
      placeholders.push({ name: p.name, optional: p.optional, line: n });
    }
    const widget = WIDGET_LINE.exec(trimmed);
    if (widget) {
      close();
      const name = widget[1]!;
      if (name in WIDGETS) blocks.push({ kind: 'widget', name: name as WidgetName });
      else {
        const known = Object.keys(WIDGETS).map((w) => `[[${w}]]`);
        problems.push(`line ${n}: unknown block [[${name}]]; known: ${known.join(', ')}`);
      }
      continue;
    }
    if (trimmed.startsWith('[['))
      problems.push(`line ${n}: a block must be alone on its line, like [[items]]`);
    if (/^-{3,}$/.test(trimmed)) {
      close();
      blocks.push({ kind: 'rule' });
      continue;
    }
    const heading = /^(#{1,2})\s+(.*)$/.exec(trimmed);
    if (heading) {
      close();
      blocks.push({ kind: heading[1] === '#' ? 'title' : 'heading', line: { text: heading[2]!, line: n } });
      continue;
    }
    const aligned = /^([>^])\s?(.*)$/.exec(trimmed);
    const align = aligned ? (aligned[1] === '>' ? 'right' : 'center') : 'justify';
    if (!paragraph || paragraph.align !== align) {
      close();
      paragraph = { kind: 'paragraph', align, lines: [] };
    }
    paragraph.lines.push({ text: aligned ? aligned[2]! : trimmed, line: n });
  }
  close();
  if (blocks.length === 0) problems.push('the template is empty');
  if (problems.length) throw new TemplateError(origin, problems);
  return { kind, origin, blocks, placeholders };
}

/** Values a template reads; undefined or '' counts as missing. */
export type TemplateValues = Readonly<Record<string, string | undefined>>;

const present = (v: string | undefined) => v !== undefined && v.trim() !== '';

/**
 * What the template needs and the values lack: required placeholders and the needs of its blocks,
 * as `path (русское название)`, sorted. Empty when the document can be rendered.
 */
export function missingValues(template: Template, values: TemplateValues): string[] {
  const missing = new Set<string>();
  for (const p of template.placeholders) {
    if (p.optional) continue;
    for (const name of DERIVED[p.name] ?? [p.name]) if (!present(values[name])) missing.add(name);
  }
  for (const block of template.blocks) {
    if (block.kind !== 'widget') continue;
    for (const name of WIDGETS[block.name]) if (!present(values[name])) missing.add(name);
  }
  return [...missing].sort().map((name) => (LABELS[name] ? `${name} (${LABELS[name]})` : name));
}

/**
 * The text of a line with its values in, or null when the line is to be left out (all its placeholders
 * are optional and empty).
 */
export function fillLine(text: string, values: TemplateValues): string | null {
  const found = placeholdersIn(text);
  if (found.length > 0 && found.every((p) => p.optional && !present(values[p.name]))) return null;
  return text.replace(PLACEHOLDER, (_, inner: string) => {
    const name = inner.endsWith('?') ? inner.slice(0, -1).trim() : inner;
    // A value never switches bold on or off: `**` is the template's markup, not the buyer's.
    return (values[name]?.trim() ?? '').replaceAll('**', '*');
  });
}
