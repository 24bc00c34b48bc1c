import { GoogleError } from './errors.js';
import type { MetadataEntry } from './metadata-filter.js';
import type { GeminiSimSettings } from './settings.js';
import { chunkText, extractText, type TextChunk } from './text.js';

export type DocumentState = 'STATE_PENDING' | 'STATE_ACTIVE' | 'STATE_FAILED';

/** A File Search store as the simulator keeps it. */
export interface StoreRecord {
  id: string;
  displayName?: string;
  embeddingModel?: string;
  createTime: string;
  updateTime: string;
}

/** A document in a store, with what the "indexer" made of it. */
export interface DocumentRecord {
  id: string;
  storeId: string;
  displayName: string;
  mimeType: string;
  customMetadata: MetadataEntry[];
  createTime: string;
  updateTime: string;
  state: DocumentState;
  bytes: Buffer;
  /** Extracted text (empty until the operation completes or when extraction failed). */
  text: string;
  chunks: TextChunk[];
  chunking: { maxTokensPerChunk: number; maxOverlapTokens: number };
  /** Set when indexing failed. */
  error?: string;
}

/** An upload operation: completes after a number of GETs. */
export interface OperationRecord {
  id: string;
  storeId: string;
  documentId: string;
  polls: number;
  /** Indexing outcome decided when the bytes arrived ("fail" = forced by a control). */
  forcedFailure?: string;
  done: boolean;
  error?: { code: number; message: string };
}

/** A resumable upload between `start` and `finalize`. */
export interface UploadSession {
  id: string;
  storeId: string;
  declaredSize?: number;
  mimeType: string;
  displayName?: string;
  customMetadata: MetadataEntry[];
  chunking: { maxTokensPerChunk: number; maxOverlapTokens: number };
  received: Buffer[];
  receivedBytes: number;
  finished: boolean;
}

/** JSON shape of a store as the API returns it (int64 counters as strings). */
export interface StoreJson {
  name: string;
  displayName?: string;
  createTime: string;
  updateTime: string;
  activeDocumentsCount?: string;
  pendingDocumentsCount?: string;
  failedDocumentsCount?: string;
  sizeBytes?: string;
  embeddingModel?: string;
}

/** JSON shape of a document as the API returns it. */
export interface DocumentJson {
  name: string;
  displayName: string;
  customMetadata?: MetadataEntry[];
  createTime: string;
  updateTime: string;
  state: DocumentState;
  sizeBytes: string;
  mimeType: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Turns a display name into the `[a-z0-9-]` prefix of a resource id (transliterating Cyrillic). */
export function slug(displayName: string | undefined, max: number): string {
  const translit: Record<string, string> = {
    а: 'a',
    б: 'b',
    в: 'v',
    г: 'g',
    д: 'd',
    е: 'e',
    ё: 'e',
    ж: 'zh',
    з: 'z',
    и: 'i',
    й: 'y',
    к: 'k',
    л: 'l',
    м: 'm',
    н: 'n',
    о: 'o',
    п: 'p',
    р: 'r',
    с: 's',
    т: 't',
    у: 'u',
    ф: 'f',
    х: 'h',
    ц: 'c',
    ч: 'ch',
    ш: 'sh',
    щ: 'sch',
    ъ: '',
    ы: 'y',
    ь: '',
    э: 'e',
    ю: 'yu',
    я: 'ya',
  };
  const ascii = [...(displayName ?? '').toLowerCase()].map((c) => translit[c] ?? c).join('');
  return ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/**
 * All simulator state: stores, documents, operations and upload sessions. Pure bookkeeping, no HTTP;
 * errors are thrown as GoogleError so routes can render them.
 */
export class GeminiState {
  readonly stores = new Map<string, StoreRecord>();
  readonly documents = new Map<string, DocumentRecord>();
  readonly operations = new Map<string, OperationRecord>();
  readonly uploads = new Map<string, UploadSession>();
  /** Upload operations that fail indexing regardless of content (see failNextIndexing). */
  forcedFailures: string[] = [];

  constructor(
    private readonly random: () => number,
    /** Live settings (read for missingStoreStatus). */
    private readonly settings: Pick<GeminiSimSettings, 'missingStoreStatus'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Random `[a-z0-9]` string from the seeded PRNG (ids, suffixes). */
  randomId(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(this.random() * ALPHABET.length)];
    return s;
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  createStore(displayName: string | undefined, embeddingModel?: string): StoreRecord {
    // Real ids: display-name slug + 12 random characters, at most 40 characters in all.
    let id: string;
    do {
      const prefix = slug(displayName, 27);
      id = prefix ? `${prefix}-${this.randomId(12)}` : this.randomId(12);
    } while (this.stores.has(id));
    const t = this.timestamp();
    const store: StoreRecord = {
      id,
      createTime: t,
      updateTime: t,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(embeddingModel !== undefined ? { embeddingModel } : {}),
    };
    this.stores.set(id, store);
    return store;
  }

  getStore(id: string): StoreRecord {
    const store = this.stores.get(id);
    if (!store) {
      // Google hides whether a resource exists behind 403 for Files and the older Corpus API; for
      // File Search stores it is unconfirmed, so 404 is one setting away.
      throw this.settings.missingStoreStatus === 403
        ? new GoogleError(
            403,
            `You do not have permission to access the FileSearchStore fileSearchStores/${id} or it may not exist.`,
            'PERMISSION_DENIED',
          )
        : new GoogleError(404, `FileSearchStore fileSearchStores/${id} not found.`, 'NOT_FOUND');
    }
    return store;
  }

  storeDocuments(storeId: string): DocumentRecord[] {
    return [...this.documents.values()].filter((d) => d.storeId === storeId);
  }

  deleteStore(id: string, force: boolean): void {
    this.getStore(id);
    const docs = this.storeDocuments(id);
    if (docs.length > 0 && !force) {
      throw new GoogleError(
        400,
        `Cannot delete non-empty FileSearchStore fileSearchStores/${id} (${docs.length} documents). Set force to true to delete it with its documents.`,
        'FAILED_PRECONDITION',
      );
    }
    for (const d of docs) this.documents.delete(d.id);
    this.stores.delete(id);
  }

  storeJson(store: StoreRecord): StoreJson {
    const docs = this.storeDocuments(store.id);
    const count = (state: DocumentState) => docs.filter((d) => d.state === state).length;
    const json: StoreJson = {
      name: `fileSearchStores/${store.id}`,
      ...(store.displayName !== undefined ? { displayName: store.displayName } : {}),
      createTime: store.createTime,
      updateTime: store.updateTime,
    };
    // proto3 JSON omits zero int64 counters, as the real API does for an empty store.
    const active = count('STATE_ACTIVE');
    const pending = count('STATE_PENDING');
    const failed = count('STATE_FAILED');
    const size = docs.filter((d) => d.state !== 'STATE_FAILED').reduce((n, d) => n + d.bytes.length, 0);
    if (active) json.activeDocumentsCount = String(active);
    if (pending) json.pendingDocumentsCount = String(pending);
    if (failed) json.failedDocumentsCount = String(failed);
    if (size) json.sizeBytes = String(size);
    if (store.embeddingModel) json.embeddingModel = store.embeddingModel;
    return json;
  }

  getDocument(storeId: string, docId: string): DocumentRecord {
    this.getStore(storeId);
    const doc = this.documents.get(docId);
    if (!doc || doc.storeId !== storeId) {
      throw new GoogleError(404, `Document fileSearchStores/${storeId}/documents/${docId} not found.`);
    }
    return doc;
  }

  deleteDocument(storeId: string, docId: string, force: boolean): void {
    const doc = this.getDocument(storeId, docId);
    if (!force && doc.chunks.length > 0) {
      throw new GoogleError(
        400,
        `Document fileSearchStores/${storeId}/documents/${docId} has ${doc.chunks.length} chunks; set force to true to delete it with its chunks.`,
        'FAILED_PRECONDITION',
      );
    }
    this.documents.delete(docId);
    this.touchStore(storeId);
  }

  documentJson(doc: DocumentRecord): DocumentJson {
    return {
      name: `fileSearchStores/${doc.storeId}/documents/${doc.id}`,
      displayName: doc.displayName,
      ...(doc.customMetadata.length > 0 ? { customMetadata: doc.customMetadata } : {}),
      createTime: doc.createTime,
      updateTime: doc.updateTime,
      state: doc.state,
      sizeBytes: String(doc.bytes.length),
      mimeType: doc.mimeType,
    };
  }

  private touchStore(storeId: string): void {
    const store = this.stores.get(storeId);
    if (store) store.updateTime = this.timestamp();
  }

  /** Starts a resumable upload session. */
  startUpload(session: Omit<UploadSession, 'id' | 'received' | 'receivedBytes' | 'finished'>): UploadSession {
    this.getStore(session.storeId);
    const full: UploadSession = {
      ...session,
      id: `AUuh${this.randomId(40)}`,
      received: [],
      receivedBytes: 0,
      finished: false,
    };
    this.uploads.set(full.id, full);
    return full;
  }

  /** Turns a finished upload into a pending document and its operation. */
  finishUpload(session: UploadSession): OperationRecord {
    session.finished = true;
    this.getStore(session.storeId);
    const bytes = Buffer.concat(session.received);
    session.received = [];
    const t = this.timestamp();
    let docId: string;
    do {
      const prefix = slug(session.displayName, 27);
      docId = prefix ? `${prefix}-${this.randomId(12)}` : this.randomId(12);
    } while (this.documents.has(docId));
    const doc: DocumentRecord = {
      id: docId,
      storeId: session.storeId,
      displayName: session.displayName ?? docId,
      mimeType: session.mimeType,
      customMetadata: session.customMetadata,
      createTime: t,
      updateTime: t,
      state: 'STATE_PENDING',
      bytes,
      text: '',
      chunks: [],
      chunking: session.chunking,
    };
    this.documents.set(docId, doc);
    this.touchStore(session.storeId);
    const forced = this.forcedFailures.shift();
    const op: OperationRecord = {
      id: `${slug(session.displayName, 20) || 'upload'}-${this.randomId(12)}`,
      storeId: session.storeId,
      documentId: docId,
      polls: 0,
      done: false,
      ...(forced !== undefined ? { forcedFailure: forced } : {}),
    };
    this.operations.set(`${session.storeId}/${op.id}`, op);
    return op;
  }

  /** Finishes indexing: extract, chunk, and set the document ACTIVE or FAILED. */
  completeOperation(op: OperationRecord): void {
    if (op.done) return;
    op.done = true;
    const doc = this.documents.get(op.documentId);
    if (!doc) {
      // Deleted while pending: the operation still completes with its document name.
      return;
    }
    const extraction: ReturnType<typeof extractText> =
      op.forcedFailure !== undefined
        ? { ok: false, error: op.forcedFailure }
        : extractText(doc.bytes, doc.mimeType);
    doc.updateTime = this.timestamp();
    if (!extraction.ok) {
      doc.state = 'STATE_FAILED';
      doc.error = extraction.error;
      op.error = { code: 3, message: extraction.error };
    } else {
      doc.text = extraction.text;
      doc.chunks = chunkText(extraction.text, doc.chunking.maxTokensPerChunk, doc.chunking.maxOverlapTokens);
      doc.state = 'STATE_ACTIVE';
    }
    this.touchStore(doc.storeId);
  }

  getOperation(storeId: string, opId: string): OperationRecord {
    const op = this.operations.get(`${storeId}/${opId}`);
    if (!op)
      throw new GoogleError(
        404,
        `Operation fileSearchStores/${storeId}/upload/operations/${opId} not found.`,
      );
    return op;
  }

  clear(): void {
    this.stores.clear();
    this.documents.clear();
    this.operations.clear();
    this.uploads.clear();
    this.forcedFailures = [];
  }
}

/** Encodes a list offset as an opaque page token. */
export function pageToken(offset: number, kind: string): string {
  return Buffer.from(`${kind}:${offset}`).toString('base64url');
}

/** Decodes a page token from pageToken(); anything else is 400 INVALID_ARGUMENT. */
export function pageOffset(token: string | undefined, kind: string): number {
  if (token === undefined || token === '') return 0;
  const m = new RegExp(`^${kind}:(\\d+)$`).exec(Buffer.from(token, 'base64url').toString());
  if (!m) throw new GoogleError(400, 'Invalid page token.', 'INVALID_ARGUMENT');
  return Number(m[1]);
}
