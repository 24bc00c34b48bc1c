import type { DocumentKind } from './template.js';

/** A template asks for values the configuration or the document data lack. */
export class MissingRequisitesError extends Error {
  override name = 'MissingRequisitesError';
  constructor(
    readonly kind: DocumentKind,
    readonly origin: string,
    readonly missing: string[],
  ) {
    super(
      `the ${kind} template (${origin}) needs values that are missing: ${missing.join(', ')}. ` +
        'Add the seller requisites and terms to the sales configuration, the buyer fields to the document data.',
    );
  }
}

/** The rendered PDF would be larger than allowed: nothing is returned, never a truncated file. */
export class PdfTooLargeError extends Error {
  override name = 'PdfTooLargeError';
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `the PDF is ${sizeBytes} bytes, above the limit of ${maxBytes} bytes (MAX_PDF_SIZE_MB): nothing was written`,
    );
  }
}
