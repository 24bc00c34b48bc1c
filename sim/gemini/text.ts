import { inflateRawSync, inflateSync } from 'node:zlib';

/** Result of turning uploaded bytes into text; `error` means indexing fails (STATE_FAILED). */
export type Extraction = { ok: true; text: string } | { ok: false; error: string };

/**
 * Extracts text the way the simulator's "indexer" sees a document: UTF-8 text types as they are (HTML
 * without tags), PDF from its text operators, DOCX from word/document.xml. Bytes that are not text
 * (application/octet-stream, invalid UTF-8, images) fail, so tests can provoke STATE_FAILED.
 */
export function extractText(bytes: Buffer, mimeType: string): Extraction {
  const mime = mimeType.split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/octet-stream')
    return { ok: false, error: 'Unsupported MIME type application/octet-stream.' };
  if (mime === 'application/pdf') return extractPdf(bytes);
  if (mime === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    return extractDocx(bytes);
  // Everything else (text/*, JSON, XML, CSV, Markdown, unknown types) is tried as UTF-8 text.
  const decoded = decodeUtf8(bytes);
  if (decoded === undefined)
    return { ok: false, error: `Failed to extract text: the ${mime} content is not valid UTF-8.` };
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return { ok: true, text: stripHtml(decoded) };
  return { ok: true, text: decoded };
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // NUL bytes mean binary even when the bytes happen to be valid UTF-8.
    return text.includes('\u0000') ? undefined : text.replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Drops scripts, styles and tags; block tags become line breaks; common entities are decoded. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X'))
        return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}

/** PDF: text-showing operators (Tj, TJ, ', ") in plain or FlateDecode content streams. */
function extractPdf(bytes: Buffer): Extraction {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-')
    return { ok: false, error: 'Failed to parse PDF: missing %PDF header.' };
  const raw = bytes.toString('latin1');
  const contents: string[] = [];
  const streamRe = /<<((?:[^<>]|<<[^>]*>>|<[^<>]*>)*)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null = streamRe.exec(raw);
  while (m !== null) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const data = bytes.subarray(start, end);
    if (/\/FlateDecode/.test(m[1] ?? '')) {
      try {
        contents.push(inflateSync(data).toString('latin1'));
      } catch {
        // A stream we cannot inflate (image, broken): skip it.
      }
    } else if (!/\/(DCTDecode|JPXDecode|CCITTFaxDecode|JBIG2Decode)/.test(m[1] ?? '')) {
      contents.push(data.toString('latin1'));
    }
    streamRe.lastIndex = end;
    m = streamRe.exec(raw);
  }
  if (contents.length === 0) contents.push(raw);
  // Fonts with a ToUnicode CMap (what office suites write for Cyrillic) show 2-byte glyph ids, not characters.
  const toUnicode = new Map<number, string>();
  for (const c of contents.filter((x) => x.includes('beginbfchar'))) {
    for (const [, code, uni] of c.matchAll(/<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4,})>/g)) {
      toUnicode.set(Number.parseInt(code!, 16), Buffer.from(uni!, 'hex').swap16().toString('utf16le'));
    }
  }
  const text = contents
    .filter((c) => !c.includes('begincmap'))
    .map((c) => pdfContentText(c, toUnicode))
    .filter((t) => t.trim() !== '')
    .join('\n');
  return { ok: true, text: text.replace(/[ \t]+\n/g, '\n').trim() };
}

/** Walks one content stream and collects the operands of text-showing operators. */
function pdfContentText(content: string, toUnicode: ReadonlyMap<number, string>): string {
  let out = '';
  const operands: string[] = [];
  let i = 0;
  const n = content.length;
  while (i < n) {
    const c = content[i]!;
    if (c === '(') {
      const [s, next] = readLiteral(content, i);
      operands.push(s);
      i = next;
    } else if (c === '<' && content[i + 1] !== '<') {
      const close = content.indexOf('>', i);
      if (close < 0) break;
      const bytes = hexBytes(content.slice(i + 1, close));
      operands.push(
        toUnicode.size > 0 && bytes.length % 2 === 0 ? decodeGlyphs(bytes, toUnicode) : decodePdfBytes(bytes),
      );
      i = close + 1;
    } else if (c === '[') {
      operands.push('\u0001[');
      i++;
    } else if (c === ']') {
      operands.push('\u0001]');
      i++;
    } else if (c === '%') {
      while (i < n && content[i] !== '\n' && content[i] !== '\r') i++;
    } else if (/[A-Za-z'"*]/.test(c)) {
      let op = '';
      while (i < n && /[A-Za-z'"*0-9]/.test(content[i]!)) op += content[i++];
      if (op === 'Tj' || op === "'" || op === '"') {
        if (op !== 'Tj' && out !== '') out += '\n';
        out += operands.filter((o) => !o.startsWith('\u0001')).at(-1) ?? '';
      } else if (op === 'TJ') {
        let inArray = false;
        for (const o of operands) {
          if (o === '\u0001[') inArray = true;
          else if (o === '\u0001]') inArray = false;
          else if (inArray) out += o.startsWith('\u0002') ? ' ' : o;
        }
      } else if (op === 'T*' || op === 'Td' || op === 'TD' || op === 'ET') {
        if (out !== '' && !out.endsWith('\n')) out += '\n';
      }
      operands.length = 0;
    } else if (/[-0-9.]/.test(c)) {
      let num = '';
      while (i < n && /[-0-9.]/.test(content[i]!)) num += content[i++];
      // Inside a TJ array a large negative kerning is a word gap.
      if (Number(num) <= -200) operands.push('\u0002');
    } else {
      i++;
    }
  }
  return out;
}

function readLiteral(s: string, start: number): [string, number] {
  let depth = 0;
  let i = start;
  const bytes: number[] = [];
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const d = s[i + 1] ?? '';
      const esc: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
      if (d in esc) {
        bytes.push(esc[d]!);
        i++;
      } else if (/[0-7]/.test(d)) {
        const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))![0];
        bytes.push(Number.parseInt(oct, 8) & 0xff);
        i += oct.length;
      } else if (d === '\n' || d === '\r') {
        i++;
      }
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return [decodePdfBytes(Buffer.from(bytes)), i + 1];
    }
    bytes.push(c.charCodeAt(0) & 0xff);
  }
  return [decodePdfBytes(Buffer.from(bytes)), i];
}

/** 2-byte glyph ids through the font's ToUnicode map (unknown ids are dropped). */
function decodeGlyphs(b: Buffer, toUnicode: ReadonlyMap<number, string>): string {
  let out = '';
  for (let i = 0; i + 1 < b.length; i += 2) out += toUnicode.get(b.readUInt16BE(i)) ?? '';
  return out;
}

function hexBytes(hex: string): Buffer {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(clean.length % 2 ? `${clean}0` : clean, 'hex');
}

/** PDF strings: UTF-16BE with BOM, else UTF-8 when valid (our generated test PDFs), else Latin-1. */
function decodePdfBytes(b: Buffer): string {
  if (b[0] === 0xfe && b[1] === 0xff) {
    const swapped = Buffer.from(b.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** DOCX: reads word/document.xml out of the ZIP (stored or deflated) and keeps paragraph text. */
function extractDocx(bytes: Buffer): Extraction {
  const xml = readZipEntry(bytes, 'word/document.xml');
  if (xml === undefined) return { ok: false, error: 'Failed to parse DOCX: word/document.xml not found.' };
  const text = xml
    .toString('utf8')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '');
  return { ok: true, text: stripHtml(text.replace(/\n/g, '<br>')) };
}

function readZipEntry(zip: Buffer, name: string): Buffer | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let k = 0; k < count && p + 46 <= zip.length; k++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) return undefined;
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entryName = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (entryName === name) {
      const lNameLen = zip.readUInt16LE(local + 26);
      const lExtraLen = zip.readUInt16LE(local + 28);
      const start = local + 30 + lNameLen + lExtraLen;
      const data = zip.subarray(start, start + compSize);
      try {
        return method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
      } catch {
        return undefined;
      }
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

/** A piece of a document as retrieval sees it. */
export interface TextChunk {
  index: number;
  text: string;
}

/**
 * Splits text into chunks of at most `maxTokens` whitespace tokens, adjacent chunks sharing `overlap`
 * tokens (File Search's whiteSpaceConfig). Chunk text is the original slice, so line breaks survive.
 */
export function chunkText(text: string, maxTokens: number, overlap: number): TextChunk[] {
  const spans = [...text.matchAll(/\S+/g)].map((m) => [m.index, m.index + m[0].length] as const);
  const chunks: TextChunk[] = [];
  if (spans.length === 0) return chunks;
  const step = Math.max(1, maxTokens - Math.min(overlap, maxTokens - 1));
  for (let start = 0; start < spans.length; start += step) {
    const end = Math.min(spans.length, start + maxTokens);
    chunks.push({ index: chunks.length, text: text.slice(spans[start]![0], spans[end - 1]![1]) });
    if (end === spans.length) break;
  }
  return chunks;
}

const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those ' +
    'i you he she we they me my your our their do does did have has had can could will would should may might what which who ' +
    'whom how when where why there here not no yes please hello hi hey thanks thank dear ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще ' +
    'нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом ' +
    'себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под ' +
    'будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда ' +
    'зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая ' +
    'много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно ' +
    'всю между здравствуйте привет добрый день вечер утро спасибо пожалуйста подскажите скажите скажи подскажи ' +
    'ваш ваша ваше ваши это у вас'
  ).split(/\s+/),
);

const RU_SUFFIXES = [
  'иями',
  'ями',
  'ами',
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'ией',
  'ией',
  'ешь',
  'ете',
  'ите',
  'ишь',
  'ать',
  'ять',
  'ить',
  'еть',
  'ый',
  'ий',
  'ой',
  'ая',
  'яя',
  'ое',
  'ее',
  'ые',
  'ие',
  'ую',
  'юю',
  'ам',
  'ям',
  'ах',
  'ях',
  'ом',
  'ем',
  'ов',
  'ев',
  'ей',
  'ия',
  'ья',
  'ть',
  'ет',
  'ют',
  'ут',
  'ит',
  'ат',
  'ят',
  'ы',
  'и',
  'а',
  'я',
  'о',
  'е',
  'у',
  'ю',
  'ь',
  'й',
];
const EN_SUFFIXES = ['ingly', 'ings', 'ing', 'edly', 'ies', 'ied', 'es', 'ed', 'ly', 's'];

/** Crude Russian/English suffix stripping, enough for "доставка"/"доставку" or "ship"/"ships" to meet. */
export function stem(word: string): string {
  const w = word.toLowerCase().replace(/ё/g, 'е');
  const suffixes = /[а-я]/.test(w) ? RU_SUFFIXES : EN_SUFFIXES;
  for (const s of suffixes) {
    if (w.endsWith(s) && w.length - s.length >= 3) return w.slice(0, -s.length);
  }
  return w;
}

/** Lowercased word tokens of `text` (letters and digits), stopwords dropped, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0].replace(/ё/g, 'е');
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** Whitespace token count, the simulator's notion of "tokens" for usage metadata. */
export function countTokens(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

/** Sentences of a chunk with their offsets (split at . ! ? … and line breaks). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.replace(/^\s*([-*•]|\d+[.)])\s+/u, '').trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}
