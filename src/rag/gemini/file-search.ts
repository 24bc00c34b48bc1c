import type { UploadToFileSearchStoreOperation } from '@google/genai';
import type { Config } from '../../config.js';
import { backoffDelay, sleep } from '../../lib/retry.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/port.js';
import { IngestError, UploadStillIndexing } from '../errors.js';
import {
  GeminiAttemptsExhausted,
  type GeminiHealth,
  type RetryPolicy,
  toGeminiError,
  withRetries,
} from './caller.js';
import type { GenAI } from './client.js';
import { classifyGeminiFailure } from './failures.js';

/** kv key of the File Search store we created (when FILE_SEARCH_STORE is not configured). */
export const STORE_KV_KEY = 'gemini:file-search-store';
const STORE_DISPLAY_NAME = 'avito-responder';

/** How long and how often an upload operation is polled. */
export interface PollPolicy {
  intervalMs: number;
  maxIntervalMs: number;
  deadlineMs: number;
}

export const DEFAULT_POLL: PollPolicy = { intervalMs: 1000, maxIntervalMs: 5000, deadlineMs: 5 * 60_000 };

/** Metadata every uploaded document carries, so grounding chunks map back to our records. */
export interface RemoteMetadata {
  doc_id: string;
  scope: 'general' | 'item';
  item_id: string | null;
  origin: string;
}

export interface FileSearchDeps {
  ai: GenAI;
  store: Store;
  gemini: Config['gemini'];
  logger: Logger;
  health: GeminiHealth;
  retry: RetryPolicy;
  poll: PollPolicy;
}

/** Our one File Search store: created once, its documents uploaded, polled and deleted with retries. */
export class FileSearchStore {
  private storeName: Promise<string> | undefined;

  constructor(private readonly deps: FileSearchDeps) {}

  private call<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return withRetries(label, fn, { policy: this.deps.retry, logger: this.deps.logger }).then(
      (value) => {
        this.deps.health.succeeded();
        return value;
      },
      (err: unknown) => {
        const error = toGeminiError(err, label);
        this.deps.health.failed(error.kind, error.message);
        throw error;
      },
    );
  }

  /** The store name: FILE_SEARCH_STORE, else the one kept in kv, else a new store (kept in kv). */
  name(): Promise<string> {
    this.storeName ??= this.resolveName().then(
      (name) => {
        this.deps.health.store = name;
        return name;
      },
      (err: unknown) => {
        this.storeName = undefined;
        throw err;
      },
    );
    return this.storeName;
  }

  private async resolveName(): Promise<string> {
    const { gemini, store, ai, logger } = this.deps;
    if (gemini.fileSearchStore) return gemini.fileSearchStore;
    const kept = await store.kv.get<unknown>(STORE_KV_KEY);
    if (typeof kept === 'string' && kept.startsWith('fileSearchStores/')) return kept;
    const created = await this.call('create store', async () =>
      (await ai()).fileSearchStores.create({ config: { displayName: STORE_DISPLAY_NAME } }),
    );
    if (!created.name) throw new Error('Gemini created a File Search store without a name');
    // Another process may have raced us: the first one stored wins, ours is left empty.
    if (!(await store.kv.setIfAbsent(STORE_KV_KEY, created.name))) {
      const winner = await store.kv.get<string>(STORE_KV_KEY);
      if (typeof winner === 'string') return winner;
    }
    logger.info({ store: created.name }, 'File Search store created');
    return created.name;
  }

  /**
   * Starts the resumable upload of one document; returns the operation name (keep it to resume
   * polling after a restart with {@link waitForDocument}).
   */
  async startUpload(input: {
    bytes: Uint8Array;
    mimeType: string;
    displayName: string;
    metadata: RemoteMetadata;
  }): Promise<string> {
    const storeName = await this.name();
    const customMetadata = Object.entries(input.metadata)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
      .map(([key, stringValue]) => ({ key, stringValue }));
    const ai = await this.deps.ai();
    const op = await this.call('upload document', () =>
      ai.fileSearchStores.uploadToFileSearchStore({
        fileSearchStoreName: storeName,
        file: new Blob([new Uint8Array(input.bytes)], { type: input.mimeType }),
        config: { displayName: input.displayName, mimeType: input.mimeType, customMetadata },
      }),
    );
    if (!op.name) throw new Error('Gemini returned an upload operation without a name');
    return op.name;
  }

  /**
   * Polls an upload operation until it names its document (tolerating `response` without `done`),
   * fails, or the deadline passes. Returns the full document name. Throws {@link IngestError}
   * `indexing_failed` when Gemini rejected the document or it is still indexing at the deadline.
   */
  async waitForDocument(operationName: string, onPoll?: (attempt: number) => void): Promise<string> {
    const storeName = await this.name();
    const name = operationName.includes('/')
      ? operationName
      : `${storeName}/upload/operations/${operationName}`;
    const [ai, sdk] = await Promise.all([this.deps.ai(), import('@google/genai')]);
    let op: UploadToFileSearchStoreOperation = Object.assign(new sdk.UploadToFileSearchStoreOperation(), {
      name,
    });
    const deadline = Date.now() + this.deps.poll.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      const current = op;
      op = await this.call('poll upload', (): Promise<UploadToFileSearchStoreOperation> =>
        ai.operations.get({ operation: current }),
      );
      if (op.error) {
        const message = typeof op.error.message === 'string' ? op.error.message : JSON.stringify(op.error);
        throw new IngestError('indexing_failed', message);
      }
      const documentName = op.response?.documentName;
      if (documentName) {
        return documentName.includes('/') ? documentName : `${storeName}/documents/${documentName}`;
      }
      if (op.done) throw new IngestError('indexing_failed', 'the operation finished without a document');
      onPoll?.(attempt);
      const wait = backoffDelay(attempt, this.deps.poll.intervalMs, this.deps.poll.maxIntervalMs);
      if (Date.now() + wait > deadline) {
        throw new UploadStillIndexing(name, Math.round(this.deps.poll.deadlineMs / 1000));
      }
      await sleep(wait);
    }
  }

  /** Deletes a document with its chunks (`force`); one already gone counts as deleted. */
  async deleteDocument(documentName: string): Promise<void> {
    try {
      await withRetries(
        'delete document',
        async () =>
          (await this.deps.ai()).fileSearchStores.documents.delete({
            name: documentName,
            config: { force: true },
          }),
        { policy: this.deps.retry, logger: this.deps.logger },
      );
      this.deps.health.succeeded();
    } catch (err) {
      const failure = err instanceof GeminiAttemptsExhausted ? err.failure : classifyGeminiFailure(err);
      if (failure.status === 404) return;
      const error = toGeminiError(err, 'delete document');
      this.deps.health.failed(error.kind, error.message);
      throw error;
    }
  }
}
