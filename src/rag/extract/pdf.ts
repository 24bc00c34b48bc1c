/** Thrown when pdf.js cannot open the file (broken structure, password). */
export class PdfFormatError extends Error {
  override name = 'PdfFormatError';
}

/** Text layer of every page, pages separated by blank lines. Scans without text yield ''. */
export async function extractPdf(bytes: Uint8Array): Promise<string> {
  // Loaded on the first PDF: pdf.js is large, and most services never see one.
  const { extractText, getDocumentProxy } = await import('unpdf');
  let pages: string[];
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: pass a copy.
    const doc = await getDocumentProxy(new Uint8Array(bytes));
    try {
      pages = (await extractText(doc, { mergePages: false })).text;
    } finally {
      await doc.loadingTask.destroy();
    }
  } catch (e) {
    throw new PdfFormatError((e as Error).message || 'unreadable PDF');
  }
  return pages
    .map((p) => p.replace(/[ \t]+\n/g, '\n').trim())
    .filter(Boolean)
    .join('\n\n');
}
