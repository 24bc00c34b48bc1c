import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../sim/common/faults.js';
import { LocalIndex } from '../src/rag/local-index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { percentile } from './stats.js';
import type { BenchCase, BenchRow } from './types.js';

const CHUNKS = 10_000;
const CHUNKS_PER_DOC = 20;
const QUERIES = 2000;

const SYLLABLES =
  'ба ве го да же зи ко ла ми но пу ро са те фу ха це чи ша ще ю я ст кр пр тр бл гр дв зв'.split(' ');
const ENDINGS = ['', 'а', 'ы', 'ой', 'ами', 'ого', 'ение', 'ать', 'ует', 'ость', 'ах', 'ую'];

function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Zipf-like pick: a few words are frequent, most are rare, as in real documents. */
const zipf = (random: () => number, n: number) => Math.min(n - 1, Math.floor(n ** random() - 1));

/** Local BM25 index over 10,000 generated chunks (~700 characters each): build time and query latency. */
export const retrievalBench: BenchCase = {
  name: 'retrieval',
  async run(): Promise<BenchRow[]> {
    const random = seededRandom(42);
    const words = vocabulary(random, 5000);
    const word = () => words[zipf(random, words.length)]! + ENDINGS[Math.floor(random() * ENDINGS.length)]!;
    const dir = await mkdtemp(join(tmpdir(), 'bench-retrieval-'));
    const store = openSqliteStore({ path: join(dir, 'bench.sqlite') });
    try {
      for (let d = 0; d < CHUNKS / CHUNKS_PER_DOC; d++) {
        const item = d % 2 === 0;
        const doc = await store.documents.save({
          title: `Документ ${d} ${word()}`,
          scope: item ? 'item' : 'general',
          itemId: item ? String(1000 + (d % 200)) : null,
          origin: 'folder',
          sourceKey: `doc-${d}.txt`,
          mimeType: 'text/plain',
          sizeBytes: 0,
          sha256: String(d),
          state: 'ready',
        });
        const chunks = Array.from({ length: CHUNKS_PER_DOC }, (_, index) => ({
          index,
          text: `${Array.from({ length: 90 }, word).join(' ')}. Цена ${Math.floor(random() * 90_000)} ₽.`,
        }));
        await store.documents.replaceChunks(doc.id, chunks);
      }
      const index = new LocalIndex(store, { recheckMs: 60_000 });
      const t0 = performance.now();
      await index.refresh();
      const buildMs = performance.now() - t0;
      if (index.size !== CHUNKS) throw new Error(`indexed ${index.size} chunks, expected ${CHUNKS}`);

      // Warm-up, then timed queries through the real path (freshness check included).
      const questions = Array.from(
        { length: QUERIES },
        () => `${Array.from({ length: 5 }, word).join(' ')}?`,
      );
      for (const q of questions.slice(0, 100)) await index.search(q, { filter: { scope: 'general' } });
      const times: number[] = [];
      let hits = 0;
      for (const [i, q] of questions.entries()) {
        const filter =
          i % 2 === 0
            ? { scope: 'item' as const, itemId: String(1000 + (i % 200)) }
            : { scope: 'general' as const };
        const start = performance.now();
        hits += (await index.search(q, { filter })).length > 0 ? 1 : 0;
        times.push(performance.now() - start);
      }
      const rows = [
        { metric: 'chunks indexed', value: index.size, unit: 'chunks' },
        { metric: 'index build (read + stem + postings)', value: buildMs, unit: 'ms' },
        { metric: 'query p50', value: percentile(times, 0.5), unit: 'ms' },
        { metric: 'query p99', value: percentile(times, 0.99), unit: 'ms' },
        { metric: 'queries with a hit', value: (100 * hits) / QUERIES, unit: '%' },
      ];
      return rows.map((r) => ({ case: 'retrieval/local-bm25', ...r }));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
