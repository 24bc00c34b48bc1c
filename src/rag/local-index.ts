import type { ChunkWithDocument, DocumentOrigin, KnowledgeDocument } from '../models/records.js';
import type { Store } from '../store/port.js';
import { StemVocabulary } from './text/match.js';
import { contentStems, hyphenJoined } from './text/tokens.js';

/** A passage the local index found, with its BM25 score. */
export interface LocalHit {
  docId: string;
  title: string;
  itemId: string | null;
  scope: 'general' | 'item';
  /** `listing`: the item document made from the listing's own facts. */
  origin: DocumentOrigin;
  chunkIndex: number;
  text: string;
  score: number;
  /** Query stems the passage contains. */
  matched: string[];
}

export interface LocalSearchOptions {
  /** Only chunks of item documents of this listing, or only general documents. */
  filter: { scope: 'item'; itemId: string } | { scope: 'general' };
  limit?: number;
  /**
   * Top up a short list with the filter's other chunks, up to the limit (score 0, nothing matched; a hit
   * found scores above 0): a question in the buyer's words may share no word with the passage that
   * answers it ("До скольки работаете?" and «с 10 до 21 без выходных»), and the coverage check, not BM25,
   * decides what answers.
   */
  fill?: boolean;
}

export interface LocalIndexOptions {
  /**
   * Hits scoring below this are dropped. Default 0.2: low, because whether a passage answers is decided
   * after retrieval, sentence by sentence (`coverage.ts`), and a higher floor loses a one-word question
   * over a shop of one or two documents, where every word's IDF is small.
   */
  minScore?: number;
  /** How often the index checks the store for documents changed by another process. Default 5 s. */
  recheckMs?: number;
}

interface IndexedChunk {
  docId: string;
  title: string;
  itemId: string | null;
  scope: 'general' | 'item';
  origin: DocumentOrigin;
  index: number;
  text: string;
  length: number;
  tf: Map<string, number>;
}

interface IndexedDocument {
  version: number;
  chunks: IndexedChunk[];
}

/** How much a stem found for a query word the index lacks counts, against the word itself. */
const NEAR_WEIGHT = 0.8;
/** A text's content stems and its hyphenated words joined ("трейд-ин" is found by "трейдин"). */
const indexStems = (text: string) => [...contentStems(text), ...hyphenJoined(text).map((t) => t.stem)];

/** How many stems one unknown query word may stand for. */
const NEAR_PER_WORD = 3;
const K1 = 1.2;
const B = 0.75;

/** Title words count twice: "Доставка и оплата" makes every chunk of it about delivery. */
function indexChunk(c: ChunkWithDocument, origin: DocumentOrigin): IndexedChunk {
  const stems = [...indexStems(c.text), ...indexStems(c.title), ...indexStems(c.title)];
  const tf = new Map<string, number>();
  for (const s of stems) tf.set(s, (tf.get(s) ?? 0) + 1);
  return {
    docId: c.docId,
    title: c.title,
    itemId: c.itemId,
    scope: c.scope,
    origin,
    index: c.index,
    text: c.text,
    length: stems.length,
    tf,
  };
}

/**
 * BM25 over the stored chunks of ready documents, with Russian and English stemming, held in memory.
 * Documents are re-read only when they change: call {@link invalidate} after an ingest in this
 * process; changes made by another process are noticed by a cheap version check every `recheckMs`.
 */
export class LocalIndex {
  private readonly docs = new Map<string, IndexedDocument>();
  private postings = new Map<string, IndexedChunk[]>();
  /** The postings' stems arranged for near lookups; built on first need after each rebuild. */
  private vocabulary: StemVocabulary | null = null;
  private totalLength = 0;
  private chunkCount = 0;
  private dirty = true;
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly minScore: number;
  private readonly recheckMs: number;

  constructor(
    private readonly store: Store,
    options: LocalIndexOptions = {},
  ) {
    this.minScore = options.minScore ?? 0.2;
    this.recheckMs = options.recheckMs ?? 5000;
  }

  /** Marks the index stale; the next search re-reads changed documents only. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Number of indexed chunks (after the last refresh). */
  get size(): number {
    return this.chunkCount;
  }

  /** Brings the index up to date with the store now (searches do this lazily). */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    this.dirty = false;
    this.checkedAt = Date.now();
    const ready = await this.store.documents.list({ state: 'ready' });
    const versions = new Map<string, number>(
      ready.map((d: KnowledgeDocument) => [d.id, d.updatedAt.getTime()]),
    );
    let changed = false;
    for (const id of [...this.docs.keys()]) {
      if (versions.get(id) !== this.docs.get(id)?.version) {
        this.docs.delete(id);
        changed = true;
      }
    }
    const missing = ready.filter((d) => !this.docs.has(d.id));
    if (missing.length > 0) {
      changed = true;
      // The port filters chunks by scope/item, not by document: read the narrowest set that covers them.
      const itemIds = new Set(missing.map((d) => d.itemId));
      const rows =
        itemIds.size === 1 && missing[0]!.scope === 'item' && missing[0]!.itemId
          ? await this.store.documents.chunks({ scope: 'item', itemId: missing[0]!.itemId })
          : await this.store.documents.chunks();
      for (const d of missing) this.docs.set(d.id, { version: versions.get(d.id)!, chunks: [] });
      // Only the missing documents' chunks, each with its document's origin.
      const wanted = new Map(missing.map((d) => [d.id, d.origin]));
      for (const row of rows) {
        const origin = wanted.get(row.docId);
        if (origin) this.docs.get(row.docId)!.chunks.push(indexChunk(row, origin));
      }
    }
    if (changed || this.postings.size === 0) this.rebuildPostings();
  }

  private rebuildPostings(): void {
    const postings = new Map<string, IndexedChunk[]>();
    let total = 0;
    let count = 0;
    for (const doc of this.docs.values()) {
      for (const chunk of doc.chunks) {
        total += chunk.length;
        count++;
        for (const term of chunk.tf.keys()) {
          const list = postings.get(term);
          if (list) list.push(chunk);
          else postings.set(term, [chunk]);
        }
      }
    }
    this.postings = postings;
    this.vocabulary = null;
    this.totalLength = total;
    this.chunkCount = count;
  }

  /**
   * The question's stems with their weights: a stem the index has never seen stands for the indexed
   * stems it is near (another form, a misspelling, the other script), at a lower weight.
   */
  private queryTerms(question: string): Map<string, number> {
    const terms = new Map<string, number>();
    for (const stem of indexStems(question)) {
      if (this.postings.has(stem)) {
        terms.set(stem, 1);
        continue;
      }
      this.vocabulary ??= new StemVocabulary(this.postings.keys());
      // The closest few: a short stem may be the start of many others, and each costs a postings list.
      const near = this.vocabulary
        .near(stem)
        .sort((a, b) => Math.abs(a.length - stem.length) - Math.abs(b.length - stem.length))
        .slice(0, NEAR_PER_WORD);
      for (const n of near) terms.set(n, terms.get(n) ?? NEAR_WEIGHT);
    }
    return terms;
  }

  /** Best passages for the question within the filter, best first; empty when nothing scores enough. */
  async search(question: string, options: LocalSearchOptions): Promise<LocalHit[]> {
    if (this.dirty || Date.now() - this.checkedAt >= this.recheckMs) await this.refresh();
    return this.searchLoaded(question, options);
  }

  /** Search without the freshness check (benchmarks; callers that just refreshed). */
  searchLoaded(question: string, options: LocalSearchOptions): LocalHit[] {
    const terms = this.queryTerms(question);
    if (this.chunkCount === 0 || (terms.size === 0 && !options.fill)) return [];
    const avgLength = this.totalLength / this.chunkCount || 1;
    const { filter } = options;
    const scores = new Map<IndexedChunk, { score: number; matched: string[] }>();
    for (const [term, weight] of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = weight * Math.log(1 + (this.chunkCount - list.length + 0.5) / (list.length + 0.5));
      for (const chunk of list) {
        if (chunk.scope !== filter.scope) continue;
        if (filter.scope === 'item' && chunk.itemId !== filter.itemId) continue;
        const f = chunk.tf.get(term)!;
        const part = (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * chunk.length) / avgLength));
        const entry = scores.get(chunk);
        if (entry) {
          entry.score += part;
          entry.matched.push(term);
        } else scores.set(chunk, { score: part, matched: [term] });
      }
    }
    // Top-k by insertion: common query words touch most chunks, and a full sort would dominate.
    const limit = options.limit ?? 3;
    const top: Array<[IndexedChunk, { score: number; matched: string[] }]> = [];
    const better = (a: (typeof top)[number], b: (typeof top)[number]) =>
      b[1].score - a[1].score || a[0].docId.localeCompare(b[0].docId) || a[0].index - b[0].index;
    for (const entry of scores) {
      if (entry[1].score < this.minScore) continue;
      if (top.length === limit && better(entry, top[limit - 1]!) >= 0) continue;
      let at = top.length;
      while (at > 0 && better(entry, top[at - 1]!) < 0) at--;
      top.splice(at, 0, entry);
      if (top.length > limit) top.pop();
    }
    if (options.fill && top.length < limit) {
      const taken = new Set(top.map(([c]) => c));
      for (const doc of this.docs.values()) {
        for (const chunk of doc.chunks) {
          if (top.length >= limit) break;
          if (taken.has(chunk) || chunk.scope !== filter.scope) continue;
          if (filter.scope === 'item' && chunk.itemId !== filter.itemId) continue;
          top.push([chunk, { score: 0, matched: [] }]);
        }
      }
    }
    return top.map(([c, s]) => ({
      docId: c.docId,
      title: c.title,
      itemId: c.itemId,
      scope: c.scope,
      origin: c.origin,
      chunkIndex: c.index,
      text: c.text,
      score: s.score,
      matched: s.matched,
    }));
  }
}
