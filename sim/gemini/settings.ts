import type { QuotaPeriod } from './errors.js';

/** Model ids the simulator knows by default (File Search capable, mid 2026). */
export const DEFAULT_MODELS = [
  'gemini-2.5-flash-lite',
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'gemini-3.1-flash-lite',
  'gemini-3.5-flash',
];

/** Embedding model ids accepted by batchEmbedContents. */
export const DEFAULT_EMBEDDING_MODELS = ['gemini-embedding-001', 'text-embedding-004'];

/**
 * Behaviour knobs of a running simulator. Every field can be changed at run time through
 * `sim.settings`, so one test can flip an uncertain behaviour without restarting the server.
 */
export interface GeminiSimSettings {
  /** GETs of an upload operation before it is done (0 = done in the upload response). Default 1. */
  operationPolls: number;
  /** [U] Leave `done` out of finished operations that carry `response`. Default false. */
  omitDone: boolean;
  /** Put `"@type"` into a finished operation's `response`. Default true. */
  operationResponseType: boolean;
  /** Models that generateContent accepts; others answer 404 NOT_FOUND. */
  models: string[];
  /** Models that batchEmbedContents accepts. */
  embeddingModels: string[];
  /** Quota a 429 fault reports unless it was made by quotaFault(). Default 'minute'. */
  quotaPer: QuotaPeriod;
  /** [U] Status of a missing store: 403 PERMISSION_DENIED (default) or 404 NOT_FOUND. */
  missingStoreStatus: 403 | 404;
  /** [U] Nothing retrieved: omit groundingMetadata (default) or send `groundingMetadata: {}`. */
  emptyGrounding: 'omit' | 'empty';
  /** topK when the request gives none. Default 5. */
  defaultTopK: number;
  /** Minimum BM25 score for a chunk to be retrieved. Default 0.5 (one shared content word). */
  minScore: number;
  /** Chunking when the upload gives none. */
  defaultChunking: { maxTokensPerChunk: number; maxOverlapTokens: number };
  /** [U] Accepted range of maxTokensPerChunk; null = no check. Default [21, 512]. */
  chunkTokenBounds: [number, number] | null;
  /** [U] Most stores one fileSearch tool may name. Default 5. */
  maxStoresPerQuery: number;
  /** Sentences a grounded answer quotes at most. Default 2. */
  answerSentences: number;
  /** Largest accepted upload in bytes. Default 100 MB. */
  maxDocumentBytes: number;
}

/** The defaults described on GeminiSimSettings. */
export function defaultSettings(): GeminiSimSettings {
  return {
    operationPolls: 1,
    omitDone: false,
    operationResponseType: true,
    models: [...DEFAULT_MODELS],
    embeddingModels: [...DEFAULT_EMBEDDING_MODELS],
    quotaPer: 'minute',
    missingStoreStatus: 403,
    emptyGrounding: 'omit',
    defaultTopK: 5,
    minScore: 0.5,
    defaultChunking: { maxTokensPerChunk: 200, maxOverlapTokens: 20 },
    chunkTokenBounds: [21, 512],
    maxStoresPerQuery: 5,
    answerSentences: 2,
    maxDocumentBytes: 100 * 1024 * 1024,
  };
}
