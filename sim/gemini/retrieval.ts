import { type FilterNode, matchesFilter } from './metadata-filter.js';
import type { DocumentRecord } from './state.js';
import { terms } from './text.js';

/** One retrieved chunk with its score (the score is ours; the real API does not expose one). */
export interface RetrievedChunk {
  doc: DocumentRecord;
  chunkIndex: number;
  text: string;
  score: number;
  /** Query terms (stemmed) found in the chunk. */
  matched: string[];
}

export interface RetrievalOptions {
  topK: number;
  /** Chunks scoring below this are not retrieved, so unrelated questions retrieve nothing. */
  minScore: number;
}

const K1 = 1.2;
const B = 0.75;

/**
 * Deterministic lexical retrieval standing in for File Search's embeddings: BM25 over stemmed word
 * tokens of the ACTIVE documents' chunks that pass the metadata filter. Ties break by document
 * creation order and chunk position, so the same corpus and question always give the same result.
 */
export function retrieve(
  query: string,
  docs: readonly DocumentRecord[],
  filter: FilterNode | undefined,
  opts: RetrievalOptions,
): RetrievedChunk[] {
  const queryTerms = [...new Set(terms(query))];
  if (queryTerms.length === 0) return [];
  const candidates = docs
    .filter((d) => d.state === 'STATE_ACTIVE' && matchesFilter(filter, d.customMetadata))
    .flatMap((doc) =>
      doc.chunks.map((c) => ({ doc, chunkIndex: c.index, text: c.text, terms: terms(c.text) })),
    );
  if (candidates.length === 0) return [];
  const n = candidates.length;
  const avgLen = candidates.reduce((s, c) => s + c.terms.length, 0) / n || 1;
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of new Set(c.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const scored: RetrievedChunk[] = [];
  for (const c of candidates) {
    const tf = new Map<string, number>();
    for (const t of c.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    const matched: string[] = [];
    for (const q of queryTerms) {
      const f = tf.get(q);
      if (!f) continue;
      matched.push(q);
      // A floor-free idf variant that stays positive for tiny corpora (one chunk, one document).
      const idf = Math.log(1 + (n + 1) / ((df.get(q) ?? 0) + 0.5));
      score += (idf * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * c.terms.length) / avgLen));
    }
    if (score >= opts.minScore && matched.length > 0) {
      scored.push({ doc: c.doc, chunkIndex: c.chunkIndex, text: c.text, score, matched });
    }
  }
  const order = [...docs];
  scored.sort(
    (a, b) => b.score - a.score || order.indexOf(a.doc) - order.indexOf(b.doc) || a.chunkIndex - b.chunkIndex,
  );
  return scored.slice(0, opts.topK);
}
