import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { GeminiSim } from '../../sim/gemini/index.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createKnowledge, type Knowledge, type KnowledgeOptions } from '../../src/rag/index.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

export const FALLBACK = 'Спасибо! Уточню и вернусь с ответом.';
export const silentLogger = createLogger({ level: 'silent' });

/** A throwaway embedded store in its own temp dir. */
export async function tempStore(): Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rag-test-'));
  const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ FALLBACK_TEXT: FALLBACK, LOG_LEVEL: 'silent', ...env });
}

/** Knowledge against the simulator with test-sized timings. */
export function simKnowledge(
  sim: GeminiSim,
  store: Store,
  env: Record<string, string> = {},
  options: KnowledgeOptions = {},
): Knowledge {
  const config = testConfig({ GEMINI_API_KEY: sim.apiKey, GEMINI_BASE_URL: sim.url, ...env });
  return createKnowledge({
    config,
    store,
    logger: silentLogger,
    options: {
      timeoutMs: 3000,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxServerDelayMs: 5000 },
      poll: { intervalMs: 5, maxIntervalMs: 20, deadlineMs: 3000 },
      ...options,
    },
  });
}

export function localKnowledge(store: Store, env: Record<string, string> = {}): Knowledge {
  return createKnowledge({ config: testConfig(env), store, logger: silentLogger });
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** A real DOCX (deflated ZIP) with one paragraph per entry and an optional table. */
export function makeDocx(paragraphs: string[], table?: string[][]): Uint8Array {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const p = (t: string) => `<w:p><w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r></w:p>`;
  const tbl = table
    ? `<w:tbl>${table.map((r) => `<w:tr>${r.map((c) => `<w:tc>${p(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`
    : '';
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    'word/document.xml': strToU8(
      `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.map(p).join('')}${tbl}</w:body></w:document>`,
    ),
  });
}

/** A real XLSX: shared strings, numbers and an inline string, one sheet. */
export function makeXlsx(sheetName: string, rows: Array<Array<string | number>>): Uint8Array {
  const shared: string[] = [];
  const col = (i: number) => String.fromCharCode(65 + i);
  const sheetRows = rows
    .map((r, ri) => {
      const cells = r
        .map((v, ci) => {
          const ref = `${col(ci)}${ri + 1}`;
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          shared.push(v);
          return `<c r="${ref}" t="s"><v>${shared.length - 1}</v></c>`;
        })
        .join('');
      return `<row r="${ri + 1}">${cells}</row>`;
    })
    .join('');
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types/>'),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="${sheetName}" sheetId="1"/></sheets></workbook>`,
    ),
    'xl/sharedStrings.xml': strToU8(
      `<?xml version="1.0"?><sst>${shared.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0"?><worksheet><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  });
}
