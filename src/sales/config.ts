import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_TEMPLATES } from './documents/templates/index.js';
import { sellerSchema, type Seller } from './documents/requisites.js';
import {
  DOCUMENT_KINDS,
  type DocumentKind,
  parseTemplate,
  type Template,
  TemplateError,
} from './documents/template.js';
import { type BriefField, briefConfigSchema } from './leads/brief/fields.js';
import { checkPricing, type PriceList, pricingFields, toPriceList } from './pricing/schema.js';
import { isValidTimeZone } from './time.js';
import { LEAD_STAGES, type LeadStage } from '../models/records.js';
import { type CalendarSettings, calendarSettingsSchema } from '../integrations/calendar/config.js';

/** The sales configuration (`SALES_CONFIG`, one YAML file): price list, seller requisites, documents, brief. */
export interface SalesConfig {
  /** The file it was read from, for messages. */
  source: string;
  /** The seller's IANA time zone: quote validity and document dates are in it. */
  timeZone: string;
  priceList: PriceList;
  seller: Seller;
  documents: {
    templates: Record<DocumentKind, Template>;
    /** Number prefixes: КП-2026-0001. */
    prefixes: Record<DocumentKind, string>;
    /** Values of `{{terms.*}}` in templates: payment, production and warranty terms. */
    terms: Record<string, string>;
  };
  /** The fields of a lead's brief (what is needed, quantity, deadline…), in the order the seller reads them. */
  brief: { fields: BriefField[] };
  /** When the seller takes consultations (working hours, slot length, buffer, horizon, zone). */
  calendar: CalendarSettings;
  /**
   * amoCRM: the pipeline status (its id, or its name as amoCRM shows it) each of our stages moves the deal to.
   * A stage left out does not move the deal; `won` and `lost` default to amoCRM's own 142 and 143.
   */
  amocrm: { statuses: Partial<Record<LeadStage, number | string>> };
}

/** The configuration cannot be used; `problems` has one line per issue, each starting with its path. */
export class SalesConfigError extends Error {
  override name = 'SalesConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid sales configuration ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const prefix = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^[\p{L}\d]{1,10}$/u, { error: 'expected a short prefix of letters and digits, like СЧ' })
    .default(fallback);

const templatePath = z.string().trim().min(1, { error: 'expected a path to a template file' }).optional();

const documentsSchema = z.strictObject({
  /** Paths of the seller's own templates, relative to the configuration file. */
  templates: z
    .strictObject({ offer: templatePath, contract: templatePath, invoice: templatePath })
    .default({}),
  numbering: z
    .strictObject({ offer: prefix('КП'), contract: prefix('Д'), invoice: prefix('СЧ') })
    .default({ offer: 'КП', contract: 'Д', invoice: 'СЧ' }),
  terms: z
    .record(
      z.string().regex(/^[a-z0-9_]{1,64}$/, { error: 'expected a term name of latin letters, digits and _' }),
      z
        .union([z.string(), z.number()], { error: 'expected text or a number' })
        .transform((v) => String(v).trim()),
    )
    .default({}),
});

/** `amocrm.statuses`: our stage → a status id or name of the pipeline (`AMOCRM_PIPELINE_ID`). */
const amoCrmSchema = z.strictObject({
  statuses: z
    .partialRecord(
      z.enum(LEAD_STAGES, { error: `expected one of our stages: ${LEAD_STAGES.join(', ')}` }),
      z.union([z.number().int().positive(), z.string().trim().min(1).max(255)], {
        error: 'expected the status id (a number) or its name as amoCRM shows it',
      }),
    )
    .default({}),
});

const salesSchema = z
  .strictObject({
    timezone: z
      .string()
      .default('Europe/Moscow')
      .refine(isValidTimeZone, { error: 'expected an IANA time zone, like Europe/Moscow' }),
    seller: sellerSchema.default({}),
    documents: documentsSchema.default({
      templates: {},
      numbering: { offer: 'КП', contract: 'Д', invoice: 'СЧ' },
      terms: {},
    }),
    brief: briefConfigSchema,
    calendar: calendarSettingsSchema.prefault({}),
    amocrm: amoCrmSchema.default({ statuses: {} }),
    ...pricingFields,
  })
  .superRefine((c, ctx) => checkPricing(c, ctx));

/** `['products', 2, 'options', 0, 'price']` → `products[2].options[0].price`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/**
 * Parses and checks a sales configuration given as YAML text. Templates named in `documents.templates`
 * are read relative to `baseDir`. Throws {@link SalesConfigError} listing every problem by path,
 * e.g. `products[2].options[0].price: expected a positive amount`.
 */
export async function parseSalesConfig(
  text: string,
  options: { source: string; baseDir: string },
): Promise<SalesConfig> {
  // The YAML parser loads with the first configuration read, not with a service that has none.
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SalesConfigError(
      options.source,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${at ? `line ${at.line}, column ${at.col}: ` : ''}${message}`;
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = salesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SalesConfigError(
      options.source,
      parsed.error.issues.map((issue) =>
        issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message,
      ),
    );
  }
  const c = parsed.data;
  const problems: string[] = [];
  const templates = {} as Record<DocumentKind, Template>;
  for (const kind of DOCUMENT_KINDS) {
    const path = c.documents.templates[kind];
    try {
      if (path === undefined)
        templates[kind] = parseTemplate(DEFAULT_TEMPLATES[kind], kind, `default ${kind}`);
      else {
        const file = resolve(options.baseDir, path);
        const source = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new TemplateError(path, [`cannot read ${file}: ${err.code ?? err.message}`]);
        });
        templates[kind] = parseTemplate(source, kind, path);
      }
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.push(...err.problems.map((p) => `documents.templates.${kind} (${err.origin}): ${p}`));
    }
  }
  if (problems.length) throw new SalesConfigError(options.source, problems);
  return {
    source: options.source,
    timeZone: c.timezone,
    priceList: toPriceList(c),
    seller: c.seller,
    documents: { templates, prefixes: c.documents.numbering, terms: c.documents.terms },
    brief: c.brief,
    // Consultations are in the seller's zone unless the calendar names its own.
    calendar: calendarZoneGiven(raw) ? c.calendar : { ...c.calendar, timeZone: c.timezone },
    amocrm: c.amocrm,
  };
}

function calendarZoneGiven(raw: unknown): boolean {
  const calendar = (raw as { calendar?: unknown }).calendar;
  return typeof calendar === 'object' && calendar !== null && 'timeZone' in calendar;
}

/** Reads and checks the sales configuration file at `path`; see {@link parseSalesConfig}. */
export async function loadSalesConfig(path: string): Promise<SalesConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SalesConfigError(path, [
      code === 'ENOENT'
        ? `no such file: ${file} (set SALES_CONFIG or pass --config; a sample is examples/sales.yaml)`
        : `cannot read ${file}: ${code ?? (err as Error).message}`,
    ]);
  }
  return parseSalesConfig(text, { source: path, baseDir: dirname(file) });
}
