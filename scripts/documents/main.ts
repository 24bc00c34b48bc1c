/**
 * `npm run documents -- render offer|contract|invoice --data FILE.json [--config FILE] --out FILE.pdf
 * [--number N]` — renders a commercial offer, a contract or an invoice from the sales configuration
 * and a JSON of lead, buyer and order (see docs/sales.md), and prints the number and the size.
 * Without `--number` the number is the next of its type and year from the store (DATA_DIR, or MongoDB
 * with MONGODB_URI): the same counters the service uses, so numbers never repeat or skip.
 *
 * `npm run documents -- template offer|contract|invoice` prints a built-in template to start your own.
 *
 * Exit codes: 0 done; 1 the document cannot be produced (configuration, missing requisites, size
 * limit, store); 2 bad input (usage, data file, unknown product or option).
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, loadDotEnv } from '../../src/config.js';
import { formatPath } from '../../src/sales/config.js';
import {
  DEFAULT_TEMPLATES,
  DOCUMENT_KINDS,
  type DocumentKind,
  documentDataSchema,
  issueDocument,
  loadSalesConfig,
  MissingRequisitesError,
  orderOf,
  PdfTooLargeError,
  QuoteError,
  SalesConfigError,
} from '../../src/sales/index.js';
import { openStore } from '../../src/store/index.js';

const USAGE = [
  'usage: npm run documents -- render offer|contract|invoice --data FILE.json [--config FILE] --out FILE.pdf [--number N]',
  '       npm run documents -- template offer|contract|invoice',
].join('\n');

/** Bad input: usage, the data file, the order. Exit code 2. */
class InputError extends Error {}

const kindSchema = z.enum(DOCUMENT_KINDS, { error: 'expected offer, contract or invoice' });

interface RenderArgs {
  command: 'render';
  kind: DocumentKind;
  data: string;
  out: string;
  config: string | undefined;
  number: string | undefined;
}

function parseArgs(argv: string[]): RenderArgs | { command: 'template'; kind: DocumentKind } {
  const [command, kindArg, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const kind = kindSchema.safeParse(kindArg);
  if ((command !== 'render' && command !== 'template') || !kind.success) {
    throw new InputError(
      command === 'render' || command === 'template'
        ? `${command}: expected offer, contract or invoice`
        : 'expected render or template',
    );
  }
  if (command === 'template') {
    if (rest.length) throw new InputError(`template takes no options, got ${rest.join(' ')}`);
    return { command, kind: kind.data };
  }
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (!['--data', '--out', '--config', '--number'].includes(flag))
      throw new InputError(`unknown argument ${flag}`);
    const value = rest[++i];
    if (!value) throw new InputError(`${flag} expects a value`);
    flags[flag.slice(2)] = value;
  }
  if (!flags.data) throw new InputError('--data FILE.json is required');
  if (!flags.out) throw new InputError('--out FILE.pdf is required');
  if (flags.number !== undefined && !/^[\p{L}\d][\p{L}\d/-]{0,49}$/u.test(flags.number)) {
    throw new InputError('--number expects letters, digits, "-" and "/", like СЧ-2026-0042');
  }
  return {
    command,
    kind: kind.data,
    data: flags.data,
    out: flags.out,
    config: flags.config,
    number: flags.number,
  };
}

async function readData(path: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`--data ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const parsed = documentDataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      `--data ${path}:\n${parsed.error.issues.map((i) => `  - ${formatPath(i.path) || '(root)'}: ${i.message}`).join('\n')}`,
    );
  }
  return parsed.data;
}

/** Writes next to the target and renames: the PDF appears whole or not at all. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function render(args: RenderArgs): Promise<void> {
  loadDotEnv();
  const env = loadConfig(process.env);
  const sales = await loadSalesConfig(args.config ?? env.sales.configPath);
  const data = await readData(args.data);
  const store = args.number === undefined ? await openStore(env.storage) : null;
  try {
    const doc = await issueDocument({
      kind: args.kind,
      config: sales,
      order: orderOf(data),
      buyer: data.buyer,
      lead: data.lead,
      contract: data.contract,
      terms: data.terms,
      date: data.date,
      now: new Date(),
      numbering: store ? { sequences: store.sequences } : { number: args.number! },
      maxBytes: env.sales.maxPdfBytes,
      locale: env.locale,
    });
    const out = resolve(args.out);
    await writeAtomically(out, doc.pdf);
    process.stdout.write(`${doc.title} → ${args.out}: ${doc.pdf.byteLength} байт, страниц: ${doc.pages}\n`);
  } finally {
    await store?.close();
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.command === 'template') {
      process.stdout.write(DEFAULT_TEMPLATES[args.kind]);
      return 0;
    }
    await render(args);
    return 0;
  } catch (err) {
    if (err instanceof InputError || err instanceof QuoteError) {
      process.stderr.write(`${err.message}\n${err instanceof InputError ? `${USAGE}\n` : ''}`);
      return 2;
    }
    const known =
      err instanceof SalesConfigError ||
      err instanceof ConfigError ||
      err instanceof MissingRequisitesError ||
      err instanceof PdfTooLargeError;
    process.stderr.write(`${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
