import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { ChunkEmbedding, ChunkWithDocument, DocumentOrigin } from '../models/records.js';
import type { Store } from '../store/port.js';
import type { LocalSearchOptions } from './local-index.js';
import type { Embedder } from './models/port.js';

/** Tuning of the vector index; defaults suit production. */
export interface VectorIndexOptions {
  /** Texts per embedding request. Default 64. */
  batchSize?: number;
  /** Cosine similarity below which a chunk is not a hit. Default 0.3. */
  minSimilarity?: number;
  /** After a failed sync, searches use the vectors they have for this long before trying again. Default 60 s. */
  retryAfterMs?: number;
  /** Per embedding request. Default 30 s. */
  timeoutMs?: number;
}

/** A chunk the vector index found, with its cosine similarity to the question. */
export interface VectorHit {
  chunk: ChunkWithDocument & { origin: DocumentOrigin };
  similarity: number;
}

interface Entry {
  chunk: ChunkWithDocument & { origin: DocumentOrigin };
  vector: Float32Array;
  norm: number;
}

const QUERY_CACHE = 32;

const keyOf = (docId: string, index: number) => `${docId}#${index}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The title goes with the text: "Доставка и оплата" is what every chunk of that document is about. */
const embeddedText = (c: ChunkWithDocument) => `${c.title}\n\n${c.text}`;

function norm(v: Float32Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}

function cosine(a: Float32Array, aNorm: number, b: Float32Array, bNorm: number): number {
  if (a.length !== b.length || aNorm === 0 || bNorm === 0) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (aNorm * bNorm);
}

/**
 * Chunk embeddings for the local index, stored beside the chunks. `sync` embeds only the chunks whose
 * vector is missing, made by another model, or made from other text (its hash differs); a vector whose
 * text moved to another chunk is reused without a call. Vectors are held in memory for search.
 */
export class VectorIndex {
  private entries = new Map<string, Entry>();
  private dirty = true;
  private failedAt = 0;
  private syncing: Promise<number> | undefined;
  private readonly queries = new Map<string, Float32Array>();
  private readonly batchSize: number;
  private readonly minSimilarity: number;
  private readonly retryAfterMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly store: Store,
    readonly embedder: Embedder,
    private readonly logger: Logger,
    options: VectorIndexOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 64;
    this.minSimilarity = options.minSimilarity ?? 0.3;
    this.retryAfterMs = options.retryAfterMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Documents changed: the next search (or `sync`) brings the vectors up to date. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Vectors held for search (after the last sync). */
  get size(): number {
    return this.entries.size;
  }

  /** Embeds what is missing or stale and reloads; resolves to how many chunks were embedded. Throws when embedding fails. */
  sync(): Promise<number> {
    this.syncing ??= this.reload().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async reload(): Promise<number> {
    this.dirty = false;
    const [docs, chunks, stored] = await Promise.all([
      this.store.documents.list({ state: 'ready' }),
      this.store.documents.chunks(),
      this.store.documents.embeddings(),
    ]);
    const origins = new Map(docs.map((d) => [d.id, d.origin]));
    const model = this.embedder.id;
    const byKey = new Map(stored.map((e) => [keyOf(e.docId, e.index), e]));
    const byHash = new Map(stored.filter((e) => e.model === model).map((e) => [e.textHash, e.vector]));
    const entries = new Map<string, Entry>();
    const missing: Array<{ chunk: Entry['chunk']; text: string; hash: string }> = [];
    const reused: ChunkEmbedding[] = [];
    for (const c of chunks) {
      const chunk = { ...c, origin: origins.get(c.docId) ?? 'upload' };
      const text = embeddedText(c);
      const hash = sha256(text);
      const key = keyOf(c.docId, c.index);
      const own = byKey.get(key);
      const vector = own?.model === model && own.textHash === hash ? own.vector : byHash.get(hash);
      if (vector) {
        entries.set(key, { chunk, vector, norm: norm(vector) });
        if (vector !== own?.vector)
          reused.push({ docId: c.docId, index: c.index, model, textHash: hash, vector });
      } else missing.push({ chunk, text, hash });
    }
    this.entries = entries;
    if (reused.length > 0) await this.store.documents.saveEmbeddings(reused);
    let embedded = 0;
    try {
      for (let i = 0; i < missing.length; i += this.batchSize) {
        const batch = missing.slice(i, i + this.batchSize);
        const vectors = await this.embedder.embed(
          batch.map((m) => m.text),
          'document',
          AbortSignal.timeout(this.timeoutMs),
        );
        const rows = batch.map((m, j) => ({
          docId: m.chunk.docId,
          index: m.chunk.index,
          model,
          textHash: m.hash,
          vector: vectors[j]!,
        }));
        await this.store.documents.saveEmbeddings(rows);
        for (const [j, m] of batch.entries()) {
          const vector = vectors[j]!;
          this.entries.set(keyOf(m.chunk.docId, m.chunk.index), {
            chunk: m.chunk,
            vector,
            norm: norm(vector),
          });
        }
        embedded += batch.length;
      }
    } catch (err) {
      this.dirty = true;
      this.failedAt = Date.now();
      throw err;
    }
    if (embedded > 0) this.logger.info({ embedded, model, total: this.entries.size }, 'chunks embedded');
    return embedded;
  }

  /**
   * Chunks within the filter most similar to the question, best first. Brings the vectors up to date
   * first when documents changed (unless a recent sync failed: then it searches what it has). Empty when
   * the question cannot be embedded: callers rank by BM25 alone then.
   */
  async search(question: string, options: LocalSearchOptions): Promise<VectorHit[]> {
    if (this.dirty && Date.now() - this.failedAt >= this.retryAfterMs) {
      await this.sync().catch((err: unknown) =>
        this.logger.warn(
          { err, model: this.embedder.id },
          'embedding the documents failed: BM25 only for now',
        ),
      );
    }
    if (this.entries.size === 0) return [];
    let query: Float32Array;
    try {
      query = await this.queryVector(question);
    } catch (err) {
      this.logger.warn({ err, model: this.embedder.id }, 'embedding the question failed: BM25 only');
      return [];
    }
    const queryNorm = norm(query);
    const { filter } = options;
    const hits: VectorHit[] = [];
    for (const e of this.entries.values()) {
      if (e.chunk.scope !== filter.scope) continue;
      if (filter.scope === 'item' && e.chunk.itemId !== filter.itemId) continue;
      const similarity = cosine(query, queryNorm, e.vector, e.norm);
      if (similarity >= this.minSimilarity) hits.push({ chunk: e.chunk, similarity });
    }
    hits.sort(
      (a, b) =>
        b.similarity - a.similarity ||
        a.chunk.docId.localeCompare(b.chunk.docId) ||
        a.chunk.index - b.chunk.index,
    );
    return hits.slice(0, options.limit ?? 3);
  }

  /** The question's vector; both cascade stages (and a retry) ask for the same question. */
  private async queryVector(question: string): Promise<Float32Array> {
    const cached = this.queries.get(question);
    if (cached) return cached;
    const [vector] = await this.embedder.embed([question], 'query', AbortSignal.timeout(this.timeoutMs));
    if (!vector) throw new Error('no vector for the question');
    if (this.queries.size >= QUERY_CACHE) this.queries.delete(this.queries.keys().next().value!);
    this.queries.set(question, vector);
    return vector;
  }
}
