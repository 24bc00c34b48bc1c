import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuseRankings, HybridSearch, RRF_K } from '../../src/rag/hybrid.js';
import type { LocalHit } from '../../src/rag/local-index.js';
import type { VectorHit } from '../../src/rag/vectors.js';

const hit = (docId: string, text = docId): LocalHit => ({
  docId,
  title: docId,
  itemId: null,
  scope: 'general',
  origin: 'folder',
  chunkIndex: 0,
  text,
  score: 1,
  matched: [],
});
const vectorHit = (docId: string, similarity: number): VectorHit => ({
  chunk: {
    docId,
    index: 0,
    text: `${docId} text`,
    title: docId,
    scope: 'general',
    itemId: null,
    origin: 'upload',
  },
  similarity,
});

describe('reciprocal rank fusion', () => {
  it('when an item is near the top of both lists, then it beats items that lead only one of them', () => {
    const fused = fuseRankings([
      ['lexical-only', 'both', 'x'],
      ['semantic-only', 'both', 'y'],
    ]);
    expect(fused[0]?.[0]).toBe('both');
    expect(fused[0]?.[1]).toBeCloseTo(2 / (RRF_K + 2));
    // Equal scores keep the order of first appearance: the first list first.
    expect(fused.slice(1, 3).map(([k]) => k)).toEqual(['lexical-only', 'semantic-only']);
  });

  it('property: the fused order never puts an item behind one that ranks no better in every list', () => {
    const list = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 });
    fc.assert(
      fc.property(list, list, (l1, l2) => {
        const fused = fuseRankings([l1, l2]).map(([k]) => k);
        expect(new Set(fused)).toEqual(new Set([...l1, ...l2]));
        const rank = (l: string[], k: string) => (l.includes(k) ? l.indexOf(k) : Number.POSITIVE_INFINITY);
        for (const [i, a] of fused.entries()) {
          for (const b of fused.slice(i + 1)) {
            // b after a: b must not be strictly better than a in both lists.
            expect(rank(l1, b) < rank(l1, a) && rank(l2, b) < rank(l2, a)).toBe(false);
          }
        }
      }),
    );
  });
});

describe('hybrid search', () => {
  it('when there are no vectors, then it is exactly the BM25 search', async () => {
    const bm25 = { search: async () => [hit('a'), hit('b')] };
    expect(await new HybridSearch(bm25, null).search('q', { filter: { scope: 'general' } })).toEqual([
      hit('a'),
      hit('b'),
    ]);
  });

  it('when vectors find a passage BM25 missed, then it joins the results; one found by both comes first', async () => {
    const bm25 = { search: async () => [hit('price'), hit('both')] };
    const vectors = { search: async () => [vectorHit('synonym', 0.8), vectorHit('both', 0.7)] };
    const hits = await new HybridSearch(bm25, vectors).search('q', {
      filter: { scope: 'general' },
      limit: 3,
    });
    expect(hits.map((h) => h.docId)).toEqual(['both', 'price', 'synonym']);
    expect(hits[2]).toMatchObject({ text: 'synonym text', origin: 'upload', matched: [] });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('when the question cannot be embedded (no vector hits), then BM25 order and limit stand', async () => {
    const bm25 = { search: async () => [hit('a'), hit('b'), hit('c')] };
    const vectors = { search: async () => [] };
    const hits = await new HybridSearch(bm25, vectors).search('q', {
      filter: { scope: 'general' },
      limit: 2,
    });
    expect(hits.map((h) => h.docId)).toEqual(['a', 'b']);
  });
});
