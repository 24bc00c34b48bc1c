import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../src/sales/documents/templates/index.js';
import { pdfPages } from './documents/pdf-text.js';
import { ROOT, runScript } from './run-script.js';

const EXAMPLE = join(ROOT, 'examples/sales.yaml');
const DATA = join(ROOT, 'examples/document-data.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'documents-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `npm run documents -- …` from a folder without a .env, with its own DATA_DIR. */
const documents = (args: string[], env: Record<string, string> = {}) =>
  runScript('scripts/documents.ts', args, {
    cwd: dir,
    env: { DATA_DIR: join(dir, 'data'), SALES_CONFIG: EXAMPLE, ...env },
    unset: ['MAX_PDF_SIZE_MB', 'MONGODB_URI'],
  });

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('npm run documents', () => {
  it('when an invoice is rendered with --number, then the PDF is written and its number and size printed', async () => {
    const out = join(dir, 'given.pdf');
    const { code, stdout } = await documents([
      'render',
      'invoice',
      '--data',
      DATA,
      '--config',
      EXAMPLE,
      '--out',
      out,
      '--number',
      'СЧ-2026-0042',
    ]);
    expect(code).toBe(0);
    const size = (await stat(out)).size;
    expect(stdout).toBe(`Счёт на оплату № СЧ-2026-0042 → ${out}: ${size} байт, страниц: 1\n`);
    const [text] = await pdfPages(new Uint8Array(await readFile(out)));
    expect(text).toContain('Счёт на оплату № СЧ-2026-0042 от 7 декабря 2026 г.');
    expect(text).toContain('Основание: договор № Д-2026-0001 от 7 декабря 2026 г.');
    expect(text).toContain('Семьдесят шесть тысяч четыреста десять рублей 00 копеек');
  });

  it('when numbers come from the store, then a document over the size limit takes none and the next run counts on', async () => {
    const out = join(dir, 'numbered.pdf');
    const args = ['render', 'offer', '--data', DATA, '--out', out];
    const tooLarge = await documents(args, { MAX_PDF_SIZE_MB: '0.01' });
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toMatch(
      /the PDF is \d+ bytes, above the limit of 10485 bytes \(MAX_PDF_SIZE_MB\): nothing was written/,
    );
    expect(await exists(out)).toBe(false);
    const first = await documents(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Коммерческое предложение № КП-2026-0001 → /);
    const second = await documents(args);
    expect(second.stdout).toMatch(/^Коммерческое предложение № КП-2026-0002 → /);
  });

  it('when the data names an unknown product or has a bad field, then exit code 2 says where', async () => {
    const data = JSON.parse(await readFile(DATA, 'utf8')) as {
      quote: { items: { product: string }[] };
      buyer: Record<string, string>;
    };
    const render = async (change: () => void) => {
      change();
      await writeFile(join(dir, 'changed.json'), JSON.stringify(data));
      const out = join(dir, 'x.pdf');
      return documents([
        'render',
        'invoice',
        '--data',
        join(dir, 'changed.json'),
        '--out',
        out,
        '--number',
        'X-1',
      ]);
    };
    const unknown = await render(() => (data.quote.items[0]!.product = 'sofa'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown product "sofa"; available: sofa-milan');
    const bad = await render(() => {
      data.quote.items[0]!.product = 'sofa-milan';
      data.buyer.inn = '1234567890';
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('buyer.inn: the ИНН check digits do not match: a typo?');
    expect(await exists(join(dir, 'x.pdf'))).toBe(false);
  });

  it('when a built-in template is asked for, then it is printed to start your own from', async () => {
    const { code, stdout } = await documents(['template', 'invoice']);
    expect(code).toBe(0);
    expect(stdout).toBe(DEFAULT_TEMPLATES.invoice);
  });
});
