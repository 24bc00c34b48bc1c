import { extname } from 'node:path';

/** The document types we extract text from. */
export type DocumentKind = 'pdf' | 'docx' | 'xlsx' | 'txt' | 'md' | 'html' | 'csv';

/** MIME types as File Search expects them (the SDK cannot infer `.md`). */
export const MIME_TYPES: Record<DocumentKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
};

const BY_EXTENSION: Record<string, DocumentKind> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.xlsx': 'xlsx',
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.csv': 'csv',
};

/** The kinds we read, in the order the owner is told them. */
export const DOCUMENT_KINDS = Object.keys(MIME_TYPES) as DocumentKind[];

/**
 * Whether a file can be one we read, judged before downloading it from its name and declared type (the
 * bytes are checked again by {@link detectKind}). Without a known extension only a declared PDF passes.
 */
export function mayBeReadable(fileName: string, mimeType?: string | null): boolean {
  return BY_EXTENSION[extname(fileName).toLowerCase()] !== undefined || mimeType === MIME_TYPES.pdf;
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isPdf = (b: Uint8Array) => Buffer.from(b.subarray(0, 1024)).includes('%PDF-');

/** Magic numbers of binary formats we do not read (so a renamed image is not taken for text). */
function knownBinary(b: Uint8Array): string | undefined {
  const head = Buffer.from(b.subarray(0, 12));
  if (head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'JPEG image';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'PNG image';
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return 'GIF image';
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return 'legacy Office file (.doc/.xls)';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF') return 'RIFF media';
  if (head.subarray(4, 8).toString('latin1') === 'ftyp') return 'MP4/HEIC media';
  if (head.subarray(0, 2).toString('latin1') === 'MZ') return 'executable';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip archive';
  if (head.subarray(0, 6).toString('latin1') === 'Rar!\x1a\x07') return 'RAR archive';
  return undefined;
}

export type Detection =
  { ok: true; kind: DocumentKind } | { ok: false; reason: 'unsupported' | 'corrupt'; detail: string };

/**
 * Decides the type from the extension and the bytes together: the extension names the intent, the
 * magic bytes must agree (a PDF must start like one, an Office file must be a ZIP, a text file must not
 * be a known binary). Without a known extension only PDF is recognised by its bytes.
 */
export function detectKind(fileName: string, bytes: Uint8Array): Detection {
  const ext = extname(fileName).toLowerCase();
  const byExt = BY_EXTENSION[ext];
  const binary = knownBinary(bytes);
  if (byExt === undefined) {
    if (isPdf(bytes)) return { ok: true, kind: 'pdf' };
    return {
      ok: false,
      reason: 'unsupported',
      detail: binary ?? (ext ? `${ext} files` : 'a file without an extension'),
    };
  }
  if (byExt === 'pdf')
    return isPdf(bytes) ? { ok: true, kind: 'pdf' } : { ok: false, reason: 'corrupt', detail: 'not a PDF' };
  if (byExt === 'docx' || byExt === 'xlsx') {
    return isZip(bytes)
      ? { ok: true, kind: byExt }
      : { ok: false, reason: 'corrupt', detail: `not a ${byExt.toUpperCase()}` };
  }
  if (binary !== undefined || isZip(bytes) || isPdf(bytes)) {
    return { ok: false, reason: 'unsupported', detail: `${ext} file holds ${binary ?? 'binary data'}` };
  }
  return { ok: true, kind: byExt };
}
