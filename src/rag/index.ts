import type { Config, LlmProvider } from '../config.js';
import type { DomainMetrics } from '../domain-metrics.js';
import type { Logger } from '../logger.js';
import type { Listing } from '../models/records.js';
import type { Store } from '../store/port.js';
import { type AnswerInput, type AnswerOptions, createAnswerer, type Decision } from './answer.js';
import type { ChunkOptions } from './chunk.js';
import { type FolderSyncSummary, syncFolder } from './folder-sync.js';
import { DEFAULT_RETRY, GeminiHealth, type GeminiStatus, type RetryPolicy } from './gemini/caller.js';
import { createGenAI } from './gemini/client.js';
import { DEFAULT_POLL, FileSearchStore, type PollPolicy } from './gemini/file-search.js';
import { HybridSearch } from './hybrid.js';
import { createIngestion, DEFAULT_MAX_BYTES, type IngestInput, type IngestResult } from './ingest.js';
import { LocalIndex, type LocalIndexOptions } from './local-index.js';
import { type BreakerPolicy, DEFAULT_BREAKER } from './models/breaker.js';
import { createAdapters, createEmbedder } from './models/index.js';
import type { ModelAlerts } from './models/port.js';
import { ModelRouter, type ProviderStatus } from './models/router.js';
import { VectorIndex, type VectorIndexOptions } from './vectors.js';

export type { AnswerInput, AnswerOptions, AnswerStrategy, Decision, ProducedBy } from './answer.js';
export {
  GeminiError,
  type GeminiFailureKind,
  IngestError,
  type IngestFailureReason,
  ModelUnavailableError,
} from './errors.js';
export { detectEscalation, type Escalation, type EscalationReason } from './escalation.js';
export { type FolderSyncSummary, scopeFromFileName } from './folder-sync.js';
export type { GeminiStatus } from './gemini/caller.js';
export { checkGrounding, type GuardResult } from './guard.js';
export type { IngestInput, IngestProgress, IngestResult } from './ingest.js';
export { listingDocumentText } from './listing-document.js';
export type { ModelAlerts, ModelProviderAlert } from './models/port.js';
export type { ModelRouter, PlainRequest, ProviderStatus } from './models/router.js';
export { NO_ANSWER_MARKER } from './prompt.js';

/** Tuning knobs; defaults suit production, tests shrink the timings. */
export interface KnowledgeOptions {
  /** Per-attempt model request timeout. Default LLM_TIMEOUT_SECONDS. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** When a failing provider is skipped, and for how long. */
  breaker?: Partial<BreakerPolicy>;
  /** The local index's vectors (providers without File Search, when EMBEDDINGS gives an embedder). */
  vectors?: VectorIndexOptions;
  /** Passages a provider without File Search gets per stage. Default 5. */
  passageLimit?: number;
  /** The router's clock (circuit breaker cool-downs); tests move it instead of waiting. */
  clock?: () => number;
  poll?: Partial<PollPolicy>;
  /** Largest accepted document. Default 20 MB. */
  maxBytes?: number;
  chunking?: ChunkOptions;
  localIndex?: LocalIndexOptions;
  /** Chunks File Search retrieves per question. Default 8. */
  topK?: number;
  temperature?: number;
}

/** The knowledge base and the answerer, as the rest of the service uses them. */
export interface Knowledge {
  /** Adds or replaces one document (Telegram upload, folder file); see {@link IngestInput}. */
  ingest(input: IngestInput): Promise<IngestResult>;
  /** Keeps a listing's facts as its item document (origin `listing`, sourceKey = item id). */
  ingestListing(listing: Listing, onProgress?: IngestInput['onProgress']): Promise<IngestResult>;
  /** Removes a document here and remotely; with `actor` (the owner deleting it) the removal is audited. */
  removeDocument(id: string, actor?: string): Promise<boolean>;
  removeListingDocument(itemId: string): Promise<boolean>;
  /** Escalation, retrieval cascade, grounded draft or fallback. Never throws for model failures. */
  answer(input: AnswerInput, options?: AnswerOptions): Promise<Decision>;
  /** Syncs DOCS_DIR (or `dir`) into the knowledge base. */
  syncFolder(dir?: string): Promise<FolderSyncSummary>;
  /** Gemini reachability for /ready: ok, degraded (with the last error), or disabled (not in LLM_PROVIDERS). */
  status(): GeminiStatus;
  /** Every provider of LLM_PROVIDERS with its health and circuit, in order. */
  models(): ProviderStatus[];
  /** Whether Gemini with File Search is among the providers. */
  readonly geminiEnabled: boolean;
  /** LLM_PROVIDERS in order; empty: the local index quotes passages, review only. */
  readonly providers: readonly LlmProvider[];
  /** Whose vectors rank local passages (`openai:text-embedding-3-small`), or null for BM25 alone. */
  readonly embeddings: string | null;
  /**
   * The providers of LLM_PROVIDERS behind one router, for other model work (the buyer's brief) to share its
   * fallback, circuit breaker and owner alerts; null without providers.
   */
  readonly router: ModelRouter | null;
}

/**
 * Wires the knowledge base: the providers of LLM_PROVIDERS behind a router (Gemini with File Search,
 * the others on the local index's passages, ranked by BM25 and, with EMBEDDINGS, vectors), or the local
 * BM25 index quoting passages without any. Makes no network call until used.
 */
export function createKnowledge(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  options?: KnowledgeOptions;
  /** Model requests are timed here for `/metrics`. */
  metrics?: DomainMetrics;
  /** Quota and refused-key problems reach the owner here (once per provider and problem). */
  alerts?: ModelAlerts;
}): Knowledge {
  const { config, store } = deps;
  const options = deps.options ?? {};
  const logger = deps.logger.child({ module: 'rag' });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const poll: PollPolicy = { ...DEFAULT_POLL, ...options.poll };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const localIndex = new LocalIndex(store, options.localIndex);
  const health = new GeminiHealth();

  const timeoutMs = options.timeoutMs ?? config.llm.timeoutMs;
  const ai =
    config.gemini.enabled || config.llm.embeddings === 'gemini'
      ? createGenAI(config.gemini, timeoutMs)
      : null;
  const fileSearch =
    config.gemini.enabled && ai
      ? new FileSearchStore({ ai, store, gemini: config.gemini, logger, health, retry, poll })
      : null;
  const adapters = createAdapters(config, {
    ai,
    storeName: () => (fileSearch ? fileSearch.name() : Promise.reject(new Error('no File Search store'))),
    geminiHealth: health,
    timeoutMs,
    temperature: options.temperature ?? 0.2,
    topK: options.topK ?? 8,
  });
  const router =
    adapters.length > 0
      ? new ModelRouter({
          adapters,
          logger,
          retry,
          breaker: { ...DEFAULT_BREAKER, ...options.breaker },
          timeoutMs,
          ...(options.clock ? { now: options.clock } : {}),
          ...(deps.alerts ? { alerts: deps.alerts } : {}),
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
        })
      : null;
  // Vectors only matter to providers that take passages from the local index.
  const embedder = adapters.some((a) => !a.retrievesItself)
    ? createEmbedder(config, { ai, timeoutMs })
    : null;
  const vectors = embedder ? new VectorIndex(store, embedder, logger, options.vectors) : null;
  const search = new HybridSearch(localIndex, vectors);
  const refreshVectors = async () => {
    if (!vectors) return;
    vectors.invalidate();
    await vectors
      .sync()
      .catch((err: unknown) =>
        logger.warn({ err, model: vectors.embedder.id }, 'embedding the documents failed: BM25 only for now'),
      );
  };

  const ingestion = createIngestion({
    store,
    logger,
    fileSearch,
    localIndex,
    maxBytes,
    ...(options.chunking ? { chunking: options.chunking } : {}),
  });
  const answer = createAnswerer({
    store,
    logger,
    fallbackText: config.responder.fallbackText,
    escalationKeywords: config.responder.escalationKeywords,
    models: router,
    localIndex: search,
    ...(options.passageLimit ? { passageLimit: options.passageLimit } : {}),
    supportThreshold: config.responder.supportThreshold,
  });
  // Vectors follow the documents: made right after an upload or a folder sync, lazily after the rest.
  const changed = <T>(result: T): T => {
    vectors?.invalidate();
    return result;
  };

  return {
    async ingest(input) {
      const result = await ingestion.ingest(input);
      if (result.status !== 'unchanged') await refreshVectors();
      return result;
    },
    ingestListing: (listing, onProgress) => ingestion.ingestListing(listing, onProgress).then(changed),
    async removeDocument(id, actor) {
      const doc = actor ? await store.documents.get(id) : null;
      const removed = changed(await ingestion.removeDocument(id));
      if (removed && actor && doc)
        await store.audit.append({
          actor,
          action: 'document.remove',
          details: { docId: doc.id, title: doc.title },
        });
      return removed;
    },
    removeListingDocument: (itemId) => ingestion.removeListingDocument(itemId).then(changed),
    answer,
    async syncFolder(dir) {
      const summary = await syncFolder({ store, logger, ingestion, maxBytes }, dir ?? config.docsDir);
      await refreshVectors();
      return summary;
    },
    status: () => (config.gemini.enabled ? health.status() : { state: 'disabled' }),
    models: () => router?.status() ?? [],
    geminiEnabled: config.gemini.enabled,
    providers: config.llm.providers,
    embeddings: embedder?.id ?? null,
    router,
  };
}
