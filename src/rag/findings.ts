/**
 * What the guard found in an answer, as the draft keeps it: `findings` is a plain list of strings in the
 * store, so the kinds that are not fact spans carry a prefix. The owner's card reads them back with
 * {@link readFindings} and words each kind in the owner's language.
 */

const UNSUPPORTED = 'unsupported: ';
const UNANSWERED = 'unanswered: ';

/** A sentence of the answer the sources do not back. */
export const unsupportedFinding = (sentence: string) => `${UNSUPPORTED}${sentence}`;

/** A buyer's question the answer leaves open (another one of the same messages is answered). */
export const unansweredFinding = (question: string) => `${UNANSWERED}${question}`;

export interface Findings {
  /** Numbers, contacts, links, dates… the sources lack, as the answer wrote them. */
  facts: string[];
  unsupported: string[];
  unanswered: string[];
}

/** Splits a draft's findings by kind. */
export function readFindings(findings: readonly string[]): Findings {
  const out: Findings = { facts: [], unsupported: [], unanswered: [] };
  for (const f of findings) {
    if (f.startsWith(UNSUPPORTED)) out.unsupported.push(f.slice(UNSUPPORTED.length));
    else if (f.startsWith(UNANSWERED)) out.unanswered.push(f.slice(UNANSWERED.length));
    else out.facts.push(f);
  }
  return out;
}
