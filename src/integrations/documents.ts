import type { LeadDocumentRef } from '../models/records.js';
import type { SalesDocumentRepository } from '../store/port.js';

/**
 * The PDFs of issued documents, for the e-mails that carry them (an offer, an invoice). The lead keeps only a
 * reference to each document; its file is kept by the store's sales documents, as bytes sealed at rest.
 */
export interface DocumentFiles {
  save(kind: LeadDocumentRef['kind'], number: string, pdf: Uint8Array): Promise<void>;
  /** The PDF, or null when it was never kept. */
  pdf(kind: LeadDocumentRef['kind'], number: string): Promise<Uint8Array | null>;
}

/** {@link DocumentFiles} in the store (at most `MAX_DOCUMENT_FILE_BYTES` each; ours are tens of kilobytes). */
export function storedDocumentFiles(
  documents: Pick<SalesDocumentRepository, 'saveFile' | 'getFile'>,
  now: () => Date = () => new Date(),
): DocumentFiles {
  return {
    save: (kind, number, pdf) => documents.saveFile({ kind, number, pdf, createdAt: now() }),
    async pdf(kind, number) {
      return (await documents.getFile(kind, number))?.pdf ?? null;
    },
  };
}
