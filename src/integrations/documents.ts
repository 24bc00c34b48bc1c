import type { LeadDocumentRef } from '../models/records.js';
import type { KvRepository } from '../store/port.js';

/**
 * The PDFs of issued documents, for the e-mails that carry them (an offer, an invoice). The lead keeps only a
 * reference to each document; its file is kept here, sealed at rest with the rest of the store's values.
 */
export interface DocumentFiles {
  save(kind: LeadDocumentRef['kind'], number: string, pdf: Uint8Array): Promise<void>;
  /** The PDF, or null when it was never kept. */
  pdf(kind: LeadDocumentRef['kind'], number: string): Promise<Uint8Array | null>;
}

/** {@link DocumentFiles} in the store's kv (base64; a PDF of ours is tens of kilobytes). */
export function kvDocumentFiles(kv: Pick<KvRepository, 'get' | 'set'>): DocumentFiles {
  const key = (kind: string, number: string) => `document-pdf:${kind}:${number}`;
  return {
    save: (kind, number, pdf) => kv.set(key(kind, number), Buffer.from(pdf).toString('base64')),
    async pdf(kind, number) {
      const value: unknown = await kv.get(key(kind, number));
      return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : null;
    },
  };
}
