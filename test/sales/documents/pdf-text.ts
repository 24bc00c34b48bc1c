import { extractText, getDocumentProxy } from 'unpdf';

/** The text of each page of a PDF, whitespace (and no-break spaces) collapsed, for searching. */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  // pdf.js takes ownership of the buffer it is given: pass a copy.
  const doc = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { text } = await extractText(doc, { mergePages: false });
    return text.map((page) => page.replace(/\s+/g, ' ').trim());
  } finally {
    await doc.loadingTask.destroy();
  }
}

/** Amounts as the text layer shows them: "76 410,00". */
export const shown = (s: string) => s.replace(/\s+/g, ' ');
