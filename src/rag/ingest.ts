import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { DocumentOrigin, DocumentScope, KnowledgeDocument, Listing } from '../models/records.js';
import type { DocumentInput, Store } from '../store/port.js';
import { type ChunkOptions, chunkText } from './chunk.js';
import { GeminiError, IngestError, UploadStillIndexing } from './errors.js';
import { extractDocumentText } from './extract/index.js';
import type { FileSearchStore } from './gemini/file-search.js';
import { listingDocumentText, listingDocumentTitle } from './listing-document.js';
import type { LocalIndex } from './local-index.js';

/** Where an ingestion is, for a Telegram progress message («загрузка → индексация → готово»). */
export interface IngestProgress {
  stage: 'extracting' | 'uploading' | 'indexing' | 'ready' | 'failed';
  percent?: number;
  detail?: string;
}

/** One file to add to (or refresh in) the knowledge base. */
export interface IngestInput {
  origin: DocumentOrigin;
  /** The original name; its extension (with the bytes) decides the type. */
  fileName: string;
  bytes: Uint8Array;
  /**
   * Stable key within the origin: folder-relative path, listing id. Default: the file name, so an
   * owner re-uploading "Прайс.pdf" replaces the previous "Прайс.pdf".
   */
  sourceKey?: string;
  /** Shown to the owner and in citations. Default: the file name without its extension. */
  title?: string;
  /** Default `general`; `item` needs `itemId`. */
  scope?: DocumentScope;
  itemId?: string | null;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestResult {
  status: 'added' | 'updated' | 'unchanged';
  document: KnowledgeDocument;
}

export interface IngestionDeps {
  store: Store;
  logger: Logger;
  /** Null without a Gemini key: documents are ready once chunked. */
  fileSearch: FileSearchStore | null;
  localIndex: LocalIndex;
  /** Largest accepted file. Default 20 MB. */
  maxBytes?: number;
  chunking?: ChunkOptions;
}

/** kv key of an upload operation in flight, so a retry resumes polling instead of uploading again. */
const pendingKey = (docId: string) => `rag:upload:${docId}`;
interface PendingUpload {
  operation: string;
  sha256: string;
}

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const titleOf = (fileName: string) => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || fileName;
const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Runs `fn` after every earlier call with the same key has settled (one ingestion per document). */
function keyedSerial() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    tails.set(key, run);
    try {
      return await run;
    } finally {
      if (tails.get(key) === run) tails.delete(key);
    }
  };
}

/** The knowledge base's write side: every origin (upload, folder, listing) goes through `ingest`. */
export interface Ingestion {
  ingest(input: IngestInput): Promise<IngestResult>;
  ingestListing(listing: Listing, onProgress?: IngestInput['onProgress']): Promise<IngestResult>;
  /** Deletes a document remotely (when uploaded) and locally; false when it did not exist. */
  removeDocument(id: string): Promise<boolean>;
  removeListingDocument(itemId: string): Promise<boolean>;
}

/**
 * Builds the ingestion path: size check, type detection and extraction, sha256 to skip unchanged
 * content, chunking for the local index and, with Gemini, upload to File Search (the old remote
 * document deleted first) polled until indexed. Failures throw {@link IngestError} with a reason.
 */
export function createIngestion(deps: IngestionDeps): Ingestion {
  const { store, logger, fileSearch, localIndex } = deps;
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const serial = keyedSerial();

  async function uploadRemote(
    doc: KnowledgeDocument,
    bytes: Uint8Array,
    mimeType: string,
    hash: string,
    report: (p: IngestProgress) => void,
    mayResume: boolean,
  ): Promise<string> {
    if (!fileSearch) throw new Error('uploadRemote without Gemini');
    const pending = await store.kv.get<PendingUpload>(pendingKey(doc.id));
    let operation: string;
    if (mayResume && pending?.sha256 === hash && typeof pending.operation === 'string') {
      operation = pending.operation;
      logger.info({ docId: doc.id, operation }, 'resuming an upload in flight');
    } else {
      if (doc.remoteName) {
        // Gemini has no update: the old version must go first, or both would be retrieved.
        await fileSearch.deleteDocument(doc.remoteName);
        await store.documents.update(doc.id, { remoteName: null });
      }
      report({ stage: 'uploading', percent: 30 });
      operation = await fileSearch.startUpload({
        bytes,
        mimeType,
        displayName: doc.title,
        metadata: { doc_id: doc.id, scope: doc.scope, item_id: doc.itemId, origin: doc.origin },
      });
      await store.kv.set(pendingKey(doc.id), { operation, sha256: hash } satisfies PendingUpload);
    }
    report({ stage: 'indexing', percent: 60 });
    const remoteName = await fileSearch.waitForDocument(operation, (attempt) =>
      report({ stage: 'indexing', percent: Math.min(95, 60 + attempt * 5) }),
    );
    await store.kv.delete(pendingKey(doc.id));
    return remoteName;
  }

  async function ingestLocked(input: IngestInput, sourceKey: string): Promise<IngestResult> {
    const report = (p: IngestProgress) => {
      try {
        input.onProgress?.(p);
      } catch (err) {
        logger.warn({ err }, 'ingest progress callback failed');
      }
    };
    const scope = input.scope ?? 'general';
    const itemId = scope === 'item' ? (input.itemId ?? null) : null;
    if (scope === 'item' && !itemId) throw new Error('ingest: an item document needs itemId');
    const title = input.title?.trim() || titleOf(input.fileName);
    const fail = (err: unknown): never => {
      const error =
        err instanceof IngestError
          ? err
          : err instanceof GeminiError
            ? new IngestError('gemini_unavailable', err.message, { cause: err })
            : err;
      report({ stage: 'failed', detail: error instanceof Error ? error.message : String(error) });
      throw error;
    };

    if (input.bytes.length > maxBytes) {
      fail(new IngestError('too_large', `${megabytes(input.bytes.length)} > ${megabytes(maxBytes)}`));
    }
    const hash = sha256(input.bytes);
    const existing = await store.documents.findBySource(input.origin, sourceKey);
    if (
      existing &&
      existing.sha256 === hash &&
      existing.state === 'ready' &&
      existing.scope === scope &&
      existing.itemId === itemId &&
      existing.title === title
    ) {
      report({ stage: 'ready', percent: 100, detail: 'unchanged' });
      return { status: 'unchanged', document: existing };
    }

    report({ stage: 'extracting', percent: 10 });
    let extracted: Awaited<ReturnType<typeof extractDocumentText>>;
    try {
      extracted = await extractDocumentText(input.fileName, input.bytes);
    } catch (err) {
      return fail(err);
    }
    const chunks = chunkText(extracted.text, deps.chunking).map((text, index) => ({ index, text }));

    const record: DocumentInput = {
      id: existing?.id ?? randomUUID(),
      title,
      scope,
      itemId,
      origin: input.origin,
      sourceKey,
      mimeType: extracted.mimeType,
      sizeBytes: input.bytes.length,
      sha256: hash,
      remoteName: existing?.remoteName ?? null,
      state: 'indexing',
      error: null,
    };
    const wasIndexingSameContent = existing?.state === 'indexing' && existing.sha256 === hash;
    let doc = await store.documents.save(record);
    try {
      if (fileSearch) {
        const remoteName = await uploadRemote(
          doc,
          input.bytes,
          extracted.mimeType,
          hash,
          report,
          wasIndexingSameContent,
        );
        await store.documents.replaceChunks(doc.id, chunks);
        doc = (await store.documents.update(doc.id, { state: 'ready', remoteName, error: null })) ?? doc;
      } else {
        await store.documents.replaceChunks(doc.id, chunks);
        doc = (await store.documents.update(doc.id, { state: 'ready', error: null })) ?? doc;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Still indexing: leave it `indexing` with its operation kept, so a retry resumes the poll.
      if (!(err instanceof UploadStillIndexing)) {
        await store.kv.delete(pendingKey(doc.id));
        await store.documents.update(doc.id, { state: 'failed', error: message.slice(0, 500) });
      }
      localIndex.invalidate();
      logger.warn({ docId: doc.id, sourceKey, err }, 'document ingestion failed');
      return fail(err);
    }
    localIndex.invalidate();
    report({ stage: 'ready', percent: 100 });
    logger.info({ docId: doc.id, origin: doc.origin, sourceKey, chunks: chunks.length }, 'document ready');
    return { status: existing ? 'updated' : 'added', document: doc };
  }

  async function removeDocument(id: string): Promise<boolean> {
    const doc = await store.documents.get(id);
    if (!doc) return false;
    if (doc.remoteName && fileSearch) await fileSearch.deleteDocument(doc.remoteName);
    await store.kv.delete(pendingKey(id));
    const removed = await store.documents.remove(id);
    localIndex.invalidate();
    logger.info({ docId: id, origin: doc.origin, sourceKey: doc.sourceKey }, 'document removed');
    return removed;
  }

  return {
    ingest(input) {
      const sourceKey = input.sourceKey ?? input.fileName;
      return serial(`${input.origin}:${sourceKey}`, () => ingestLocked(input, sourceKey));
    },
    ingestListing(listing, onProgress) {
      const text = listingDocumentText(listing);
      return this.ingest({
        origin: 'listing',
        sourceKey: listing.id,
        fileName: `listing-${listing.id}.txt`,
        bytes: new TextEncoder().encode(text),
        title: listingDocumentTitle(listing),
        scope: 'item',
        itemId: listing.id,
        ...(onProgress ? { onProgress } : {}),
      });
    },
    removeDocument,
    async removeListingDocument(itemId) {
      const doc = await store.documents.findBySource('listing', itemId);
      return doc ? removeDocument(doc.id) : false;
    },
  };
}
