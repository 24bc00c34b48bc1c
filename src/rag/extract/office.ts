import type { Unzipped } from 'fflate';
import { tableToText } from './table.js';
import { decodeEntities } from './xml.js';

/** Uncompressed bytes we accept from one archive: a defence against ZIP bombs. */
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;

/** Thrown when an Office file is not a readable archive of the expected shape. */
export class OfficeFormatError extends Error {
  override name = 'OfficeFormatError';
}

async function unzip(bytes: Uint8Array, wanted: (name: string) => boolean): Promise<Unzipped> {
  // Loaded on the first Office file, not with the service.
  const { unzipSync } = await import('fflate');
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        if (!wanted(file.name)) return false;
        total += file.originalSize;
        if (total > MAX_UNZIPPED_BYTES) throw new OfficeFormatError('the archive expands beyond 200 MB');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof OfficeFormatError) throw e;
    throw new OfficeFormatError(`not a readable ZIP archive: ${(e as Error).message}`);
  }
}

const utf8 = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);

/** DOCX: paragraphs of the main document part; tabs, breaks and table cells kept readable. */
export async function extractDocx(bytes: Uint8Array): Promise<string> {
  const files = await unzip(bytes, (n) => n === 'word/document.xml');
  const xml = files['word/document.xml'];
  if (!xml) throw new OfficeFormatError('word/document.xml is missing');
  // A table cell's paragraphs stay on one line; cells are joined with " | ", rows end the line.
  const body = utf8(xml)
    .replace(
      /<w:tc\b[^>]*>([\s\S]*?)<\/w:tc>/g,
      (_m, inner: string) => `${inner.replace(/<\/w:p>/g, ' ')}\uE000`,
    )
    .replace(/<\/w:tr>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<w:(br|cr)\b[^>]*\/>/g, '\n')
    .replace(/<\/w:p>/g, '\n');
  const text = body.replace(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<[^>]+>/g, (_m, t: string | undefined) =>
    t === undefined ? '' : decodeEntities(t),
  );
  return text
    .replace(/\s*\uE000\s*(?=\n|$)/g, '')
    .replace(/\s*\uE000\s*/g, ' | ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Text of every `<t>` inside an element (rich text runs are split into several). */
const innerText = (xml: string) =>
  [...xml.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>/g)]
    .map((m) => decodeEntities(m[1]!))
    .join('');

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? 'A';
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** XLSX: every sheet as "# name" and its rows (see tableToText), shared and inline strings resolved. */
export async function extractXlsx(bytes: Uint8Array): Promise<string> {
  const files = await unzip(
    bytes,
    (n) =>
      n === 'xl/workbook.xml' || n === 'xl/sharedStrings.xml' || /^xl\/worksheets\/sheet\d+\.xml$/.test(n),
  );
  const workbook = files['xl/workbook.xml'];
  if (!workbook) throw new OfficeFormatError('xl/workbook.xml is missing');
  const shared = files['xl/sharedStrings.xml']
    ? [...utf8(files['xl/sharedStrings.xml']).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => innerText(m[1]!))
    : [];
  const names = [...utf8(workbook).matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map((m) =>
    decodeEntities(m[1]!),
  );
  const sheets = Object.keys(files)
    .filter((n) => n.startsWith('xl/worksheets/'))
    .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
  const parts: string[] = [];
  sheets.forEach((path, i) => {
    const xml = utf8(files[path]!);
    const rows: string[][] = [];
    for (const rowMatch of xml.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
      const row: string[] = [];
      for (const c of rowMatch[1]!.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = c[1] ?? '';
        const inner = c[2] ?? '';
        const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
        const type = /\bt="(\w+)"/.exec(attrs)?.[1];
        const v = /<v>([^<]*)<\/v>/.exec(inner)?.[1];
        let value = '';
        if (type === 's' && v !== undefined) value = shared[Number(v)] ?? '';
        else if (type === 'inlineStr') value = innerText(inner);
        else if (type === 'b') value = v === '1' ? 'TRUE' : 'FALSE';
        else if (v !== undefined) value = decodeEntities(v);
        const col = ref ? columnIndex(ref) : row.length;
        while (row.length < col) row.push('');
        row[col] = value;
      }
      rows.push(row);
    }
    const text = tableToText(rows);
    if (text) parts.push(`# ${names[i] ?? `Sheet ${i + 1}`}\n${text}`);
  });
  return parts.join('\n\n');
}
