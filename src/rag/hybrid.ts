import type { LocalHit, LocalIndex, LocalSearchOptions } from './local-index.js';
import type { VectorIndex } from './vectors.js';

/** The usual reciprocal rank fusion constant: damps the difference between the very top ranks. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list gives an item 1 / (k + rank), rank from 1; the sums order the
 * union, best first. An item near the top of both lists beats one that leads only one of them.
 * Ties keep the order of first appearance (the first list first), so results are deterministic.
 */
export function fuseRankings(lists: ReadonlyArray<readonly string[]>, k = RRF_K): Array<[string, number]> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((key, i) => scores.set(key, (scores.get(key) ?? 0) + 1 / (k + i + 1)));
  }
  // Map keeps insertion order and sort is stable: ties stay in order of first appearance.
  return [...scores.entries()].sort((a, b) => b[1] - a[1]);
}

const hitKey = (docId: string, index: number) => `${docId}#${index}`;

/**
 * Local retrieval for providers without File Search: BM25 over the chunks and, when an embedder is
 * configured, the most similar chunk vectors, combined by reciprocal rank fusion. Without vectors it
 * is exactly the BM25 search. The fused hits carry the RRF score.
 */
export class HybridSearch {
  constructor(
    private readonly bm25: Pick<LocalIndex, 'search'>,
    private readonly vectors: Pick<VectorIndex, 'search'> | null,
    /** Candidates taken from each list before fusing. Default 20. */
    private readonly candidates = 20,
  ) {}

  async search(question: string, options: LocalSearchOptions): Promise<LocalHit[]> {
    const limit = options.limit ?? 3;
    if (!this.vectors) return this.bm25.search(question, options);
    const wide = { ...options, limit: Math.max(limit, this.candidates) };
    const [lexical, semantic] = await Promise.all([
      this.bm25.search(question, wide),
      this.vectors.search(question, wide),
    ]);
    if (semantic.length === 0) return lexical.slice(0, limit);
    const hits = new Map<string, LocalHit>();
    for (const h of lexical) hits.set(hitKey(h.docId, h.chunkIndex), h);
    for (const { chunk } of semantic) {
      const key = hitKey(chunk.docId, chunk.index);
      if (!hits.has(key)) {
        hits.set(key, {
          docId: chunk.docId,
          title: chunk.title,
          itemId: chunk.itemId,
          scope: chunk.scope,
          origin: chunk.origin,
          chunkIndex: chunk.index,
          text: chunk.text,
          score: 0,
          matched: [],
        });
      }
    }
    const fused = fuseRankings([
      lexical.map((h) => hitKey(h.docId, h.chunkIndex)),
      semantic.map((h) => hitKey(h.chunk.docId, h.chunk.index)),
    ]);
    return fused.slice(0, limit).map(([key, score]) => ({ ...hits.get(key)!, score }));
  }
}
