import { IngestError } from '../errors.js';
import { type DocumentKind, detectKind, MIME_TYPES } from './detect.js';
import { extractDocx, extractXlsx, OfficeFormatError } from './office.js';
import { extractPdf, PdfFormatError } from './pdf.js';
import { parseCsv, tableToText } from './table.js';
import { htmlToText } from './xml.js';

export { type DocumentKind, MIME_TYPES } from './detect.js';

/** Text taken out of a file, with the type we recognised. */
export interface Extracted {
  kind: DocumentKind;
  mimeType: string;
  text: string;
}

/** UTF-8 (BOM dropped); Windows-1251 when the bytes are not valid UTF-8 (old Russian CSV and TXT files). */
function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1251').decode(bytes);
  }
  if (text.includes('\u0000')) throw new IngestError('unsupported', 'binary data in a text file');
  return text.replace(/^\uFEFF/, '');
}

const normalizeSpace = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/**
 * Recognises the file (extension + magic bytes) and extracts its text. Throws {@link IngestError} with
 * `unsupported`, `corrupt` or `empty`; never returns empty text.
 */
export async function extractDocumentText(fileName: string, bytes: Uint8Array): Promise<Extracted> {
  if (bytes.length === 0) throw new IngestError('empty', fileName);
  const detected = detectKind(fileName, bytes);
  if (!detected.ok) throw new IngestError(detected.reason, `${fileName}: ${detected.detail}`);
  const { kind } = detected;
  let text: string;
  try {
    switch (kind) {
      case 'pdf':
        text = await extractPdf(bytes);
        break;
      case 'docx':
        text = await extractDocx(bytes);
        break;
      case 'xlsx':
        text = await extractXlsx(bytes);
        break;
      case 'html':
        text = htmlToText(decodeText(bytes));
        break;
      case 'csv':
        text = tableToText(parseCsv(decodeText(bytes)));
        break;
      case 'txt':
      case 'md':
        text = decodeText(bytes);
        break;
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    if (e instanceof PdfFormatError || e instanceof OfficeFormatError) {
      throw new IngestError('corrupt', `${fileName}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  const clean = normalizeSpace(text);
  if (clean === '') throw new IngestError('empty', fileName);
  return { kind, mimeType: MIME_TYPES[kind], text: clean };
}
