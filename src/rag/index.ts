import type { Config } from '../config.js';
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
import { generateGrounded } from './gemini/generate.js';
import { createIngestion, DEFAULT_MAX_BYTES, type IngestInput, type IngestResult } from './ingest.js';
import { LocalIndex, type LocalIndexOptions } from './local-index.js';

export type { AnswerInput, AnswerOptions, AnswerStrategy, Decision } from './answer.js';
export { GeminiError, type GeminiFailureKind, IngestError, type IngestFailureReason } from './errors.js';
export { detectEscalation, type Escalation, type EscalationReason } from './escalation.js';
export { type FolderSyncSummary, scopeFromFileName } from './folder-sync.js';
export type { GeminiStatus } from './gemini/caller.js';
export { checkGrounding, type GuardResult } from './guard.js';
export type { IngestInput, IngestProgress, IngestResult } from './ingest.js';
export { listingDocumentText } from './listing-document.js';
export { NO_ANSWER_MARKER } from './prompt.js';

/** Tuning knobs; defaults suit production, tests shrink the timings. */
export interface KnowledgeOptions {
  /** Per-attempt Gemini request timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
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
  /** Escalation, retrieval cascade, grounded draft or fallback. Never throws for Gemini failures. */
  answer(input: AnswerInput, options?: AnswerOptions): Promise<Decision>;
  /** Syncs DOCS_DIR (or `dir`) into the knowledge base. */
  syncFolder(dir?: string): Promise<FolderSyncSummary>;
  /** Gemini reachability for /ready: ok, degraded (with the last error), or disabled (no key). */
  status(): GeminiStatus;
  /** Whether answers come from Gemini (else the local index: review only). */
  readonly geminiEnabled: boolean;
}

/**
 * Wires the knowledge base: Gemini File Search when `config.gemini.enabled`, the local BM25 index
 * otherwise (and always for the local chunks). Makes no network call until used.
 */
export function createKnowledge(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  options?: KnowledgeOptions;
  /** Model requests are timed here for `/metrics`. */
  metrics?: DomainMetrics;
}): Knowledge {
  const { config, store } = deps;
  const options = deps.options ?? {};
  const logger = deps.logger.child({ module: 'rag' });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const poll: PollPolicy = { ...DEFAULT_POLL, ...options.poll };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const localIndex = new LocalIndex(store, options.localIndex);
  const health = new GeminiHealth();

  let fileSearch: FileSearchStore | null = null;
  let generate: Parameters<typeof createAnswerer>[0]['generate'] = null;
  if (config.gemini.enabled) {
    const ai = createGenAI(config.gemini, options.timeoutMs ?? 30_000);
    const fs = new FileSearchStore({ ai, store, gemini: config.gemini, logger, health, retry, poll });
    fileSearch = fs;
    const models = [
      config.gemini.model,
      ...config.gemini.fallbackModels.filter((m) => m !== config.gemini.model),
    ];
    generate = (req) =>
      generateGrounded(
        {
          ai,
          storeName: () => fs.name(),
          models,
          logger,
          health,
          retry,
          temperature: options.temperature ?? 0.2,
          topK: options.topK ?? 8,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
        },
        req,
      );
  }

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
    generate,
    localIndex,
  });

  return {
    ingest: (input) => ingestion.ingest(input),
    ingestListing: (listing, onProgress) => ingestion.ingestListing(listing, onProgress),
    async removeDocument(id, actor) {
      const doc = actor ? await store.documents.get(id) : null;
      const removed = await ingestion.removeDocument(id);
      if (removed && actor && doc)
        await store.audit.append({
          actor,
          action: 'document.remove',
          details: { docId: doc.id, title: doc.title },
        });
      return removed;
    },
    removeListingDocument: (itemId) => ingestion.removeListingDocument(itemId),
    answer,
    syncFolder: (dir) => syncFolder({ store, logger, ingestion, maxBytes }, dir ?? config.docsDir),
    status: () => (config.gemini.enabled ? health.status() : { state: 'disabled' }),
    geminiEnabled: config.gemini.enabled,
  };
}
