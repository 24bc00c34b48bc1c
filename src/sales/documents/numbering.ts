import type { SequenceRepository } from '../../store/port.js';
import type { DocumentKind } from './template.js';

/** The store counter of one document type in one year: numbering restarts every year. */
export function sequenceName(kind: DocumentKind, year: number): string {
  return `document.${kind}.${year}`;
}

/** `СЧ-2026-0001`: prefix, year, at least four digits. */
export function formatDocumentNumber(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

/** Takes the next number of `kind` for `year` from the store's atomic counter. */
export async function nextDocumentNumber(
  sequences: SequenceRepository,
  kind: DocumentKind,
  prefix: string,
  year: number,
): Promise<string> {
  return formatDocumentNumber(prefix, year, await sequences.next(sequenceName(kind, year)));
}
