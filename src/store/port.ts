import type {
  AuditEntry,
  Chat,
  Chunk,
  ChunkWithDocument,
  DocumentScope,
  DocumentState,
  Draft,
  DraftStatus,
  InboxEvent,
  KnowledgeDocument,
  Listing,
  Message,
  Settings,
} from '../models/records.js';

/** Result of an insert-once: a duplicate is a normal outcome, not an error. */
export type InsertOnce<T> = { inserted: true; record: T } | { inserted: false; existing: T };

export type ChatUpsert = Pick<Chat, 'id'> & Partial<Omit<Chat, 'id' | 'createdAt' | 'updatedAt'>>;

export interface ChatRepository {
  /** Creates the chat or merges the given fields into it; returns the stored chat. */
  upsert(chat: ChatUpsert): Promise<Chat>;
  get(id: string): Promise<Chat | null>;
  /** Chats in a state (e.g. `human` for `/chats`), most recently active first. */
  listByState(state: Chat['state'], limit?: number): Promise<Chat[]>;
  /** Chats whose automatic human pause ended before `now` (to hand them back to the AI). */
  listPauseExpired(now: Date): Promise<Chat[]>;
}

export type MessageInput = Omit<Message, 'draftId' | 'seq'> & { draftId?: string | null };

export interface MessageRepository {
  /** Stores the message once (by id) and gives it the next arrival number (`seq`); a repeat returns the first. */
  insertOnce(message: MessageInput): Promise<InsertOnce<Message>>;
  get(id: string): Promise<Message | null>;
  /** The last `limit` messages of a chat in arrival order (`seq`, oldest first). */
  lastN(chatId: string, limit: number): Promise<Message[]>;
}

export type EventInput = Pick<InboxEvent, 'id' | 'messageId' | 'payload'> & { receivedAt?: Date };

export interface EventRepository {
  /** Stores a webhook delivery once; a repeat of its id or of its message id returns the existing one. */
  insertOnce(event: EventInput): Promise<InsertOnce<InboxEvent>>;
  get(id: string): Promise<InboxEvent | null>;
  /** Records the outcome of processing (attempts are counted by `markAttempt`). */
  setStatus(id: string, status: InboxEvent['status'], error?: string | null): Promise<InboxEvent | null>;
  markAttempt(id: string): Promise<InboxEvent | null>;
  listByStatus(status: InboxEvent['status'], limit?: number): Promise<InboxEvent[]>;
  /** Deletes processed or ignored events received before `before`; returns how many. */
  deleteProcessedBefore(before: Date): Promise<number>;
}

export type DraftInput = Pick<Draft, 'chatId' | 'kind' | 'text'> &
  Partial<Omit<Draft, 'id' | 'chatId' | 'kind' | 'text' | 'createdAt' | 'updatedAt'>>;

/** Fields a transition or update may change. */
export type DraftPatch = Partial<Omit<Draft, 'id' | 'chatId' | 'status' | 'createdAt' | 'updatedAt'>>;

export interface DraftRepository {
  create(draft: DraftInput): Promise<Draft>;
  get(id: string): Promise<Draft | null>;
  /**
   * Compare-and-set: moves the draft to `to` only if its status is one of `from`, applying `patch`.
   * Returns the updated draft, or null when the draft was not in `from` (someone else won).
   */
  transition(
    id: string,
    from: readonly DraftStatus[],
    to: DraftStatus,
    patch?: DraftPatch,
  ): Promise<Draft | null>;
  /** Changes fields without touching the status (card reference, attempts). */
  update(id: string, patch: DraftPatch): Promise<Draft | null>;
  listByStatus(statuses: readonly DraftStatus[], limit?: number): Promise<Draft[]>;
  /** Drafts of a chat, newest first, optionally only in the given statuses. */
  listForChat(chatId: string, statuses?: readonly DraftStatus[]): Promise<Draft[]>;
}

export type DocumentInput = Omit<
  KnowledgeDocument,
  'id' | 'createdAt' | 'updatedAt' | 'error' | 'remoteName'
> & {
  id?: string;
  error?: string | null;
  remoteName?: string | null;
};

export interface DocumentFilter {
  scope?: DocumentScope;
  itemId?: string;
  state?: DocumentState;
  origin?: KnowledgeDocument['origin'];
}

export interface DocumentRepository {
  /** Inserts a document, or replaces the one with the same id. */
  save(doc: DocumentInput): Promise<KnowledgeDocument>;
  get(id: string): Promise<KnowledgeDocument | null>;
  /** The document that came from this origin + key (a folder path, a listing id), if any. */
  findBySource(origin: KnowledgeDocument['origin'], sourceKey: string): Promise<KnowledgeDocument | null>;
  list(filter?: DocumentFilter): Promise<KnowledgeDocument[]>;
  update(
    id: string,
    patch: Partial<Pick<KnowledgeDocument, 'state' | 'error' | 'remoteName' | 'title'>>,
  ): Promise<KnowledgeDocument | null>;
  /** Removes the document and its chunks; false when it did not exist. */
  remove(id: string): Promise<boolean>;
  /** Replaces all chunks of a document at once. */
  replaceChunks(docId: string, chunks: readonly Omit<Chunk, 'docId'>[]): Promise<void>;
  /** Chunks of ready documents matching the filter, for the local index. */
  chunks(filter?: Omit<DocumentFilter, 'state'>): Promise<ChunkWithDocument[]>;
}

export interface ListingRepository {
  /** Inserts or replaces the listing with this id. */
  upsert(listing: Listing): Promise<Listing>;
  get(id: string): Promise<Listing | null>;
  /** Listings ordered by title, optionally only with this status. */
  list(filter?: { status?: string }): Promise<Listing[]>;
  remove(id: string): Promise<boolean>;
}

export interface SettingsRepository {
  get(): Promise<Settings>;
  /** Merges `patch` into the stored settings; `undefined` fields are left as they are. */
  update(patch: Settings): Promise<Settings>;
}

export type AuditInput = Pick<AuditEntry, 'actor' | 'action'> &
  Partial<Pick<AuditEntry, 'chatId' | 'draftId' | 'before' | 'after' | 'details' | 'at'>>;

export interface AuditQuery {
  chatId?: string;
  draftId?: string;
  action?: string;
  since?: Date;
  limit?: number;
}

export interface AuditRepository {
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  query(query?: AuditQuery): Promise<AuditEntry[]>;
}

/**
 * Short exclusive leases across processes (e.g. one `respond` per chat at a time). A holder renews its lease
 * while it works and releases it when done; a lease not renewed (its process died) is free after its ttl.
 */
export interface LeaseRepository {
  /** Takes `name` for `holder` when it is free, expired or already this holder's; false while another holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the holder's lease; false when it is no longer the holder's (expired and taken, or released). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if the holder still has it. */
  release(name: string, holder: string): Promise<void>;
}

export interface KvRepository {
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores a JSON value; with `ttlMs` it reads as absent after expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Stores the value only when the key is absent (or expired); true when this call stored it. */
  setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
}

/**
 * Named counters for numbers people read and that must not repeat or skip (document numbers:
 * СЧ-2026-0001, СЧ-2026-0002…).
 */
export interface SequenceRepository {
  /**
   * Atomically increments the counter `name` (created at 0 on first use) and returns the new value:
   * concurrent calls, from any process, get distinct consecutive numbers. A call that fails took nothing.
   */
  next(name: string): Promise<number>;
}

/**
 * Which conversations a retention rule covers, by chat id prefix (`tg:`, `web:`): those whose id starts with
 * one of `prefixes`, or (`exceptPrefixes`) those whose id starts with none of them (Avito's own ids).
 */
export type ChatIdScope = { prefixes: readonly string[] } | { exceptPrefixes: readonly string[] };

/** What a purge removed. */
export interface PurgedChat {
  chatId: string;
  messages: number;
  /** Webhook or channel events that delivered the chat's messages (matched by message id). */
  events: number;
  drafts: number;
  /** The chat record itself (false when there was none, or it changed during the purge). */
  chat: boolean;
}

/**
 * Deleting conversations once they have been idle for the retention period (`src/jobs/retention.ts`). A chat's
 * last activity is its newest message (or the chat record's last inbound/outbound time); a chat with neither
 * counts from the record's last change. Other records (audit, kv, leads) are not touched.
 */
export interface RetentionRepository {
  /** Ids of chats in `scope` whose last activity is before `before`, longest idle first, at most `limit`. */
  idleChats(scope: ChatIdScope, before: Date, limit?: number): Promise<string[]>;
  /**
   * Deletes the chat's messages, the events that delivered them, its drafts and its record, if its last activity
   * is still before `before`; null (nothing deleted) when it is not. A message arriving during the purge survives
   * with its chat.
   */
  purgeChat(chatId: string, before: Date): Promise<PurgedChat | null>;
  /**
   * Deletes kv entries whose time to live ended before `now` (they already read as absent, but their values,
   * a buyer's contact among them, would stay on disk); returns how many.
   */
  purgeExpiredKv(now: Date): Promise<number>;
}

/**
 * Fields that can hold buyer words or secrets, sealed at rest by `src/security/encrypted-store.ts`.
 * No store query filters or sorts on them: that is what makes encrypting them transparent.
 */
export const PROTECTED_FIELDS = [
  'chats.buyerName',
  'messages.text',
  'messages.content',
  'events.payload',
  'drafts.text',
  'drafts.originalText',
  'audit.before',
  'audit.after',
  'kv.value',
] as const;
export type ProtectedField = (typeof PROTECTED_FIELDS)[number];

/**
 * Replacement for one stored value of a protected field, or `undefined` to leave it. Values come and go
 * as the record holds them: a string for text fields, the JSON value (or a sealed string) for
 * `messages.content`, `events.payload` and `kv.value`.
 */
export type ProtectedRewrite = (field: ProtectedField, value: unknown) => unknown;

export interface RewriteReport {
  /** Non-null values seen. */
  visited: number;
  rewritten: number;
  /** Changed by someone else between read and write (compare-and-set lost); left as they are. */
  skipped: number;
  /**
   * Old copies of rewritten values were purged from the store's files (SQLite keeps them in free pages
   * and the WAL until VACUUM). False when nothing was rewritten, the purge could not run, or the engine
   * does not offer it (MongoDB: see docs/reports/security-audit.md).
   */
  compacted: boolean;
}

/** Whole-store operations for maintenance commands, not for request paths. */
export interface StoreMaintenance {
  /**
   * Visits every non-null value of every {@link PROTECTED_FIELDS} entry, in batches, and stores what
   * `rewrite` returns. The adapter never decrypts: it hands over raw values (used by key rotation).
   * `onProgress` is called after each batch with the values visited so far and the total.
   */
  rewriteProtected(
    rewrite: ProtectedRewrite,
    onProgress?: (done: number, total: number) => void,
  ): Promise<RewriteReport>;
}

/** The one port to persistence. `src/` depends on this, never on an adapter. */
export interface Store {
  readonly kind: 'sqlite' | 'mongo';
  readonly chats: ChatRepository;
  readonly messages: MessageRepository;
  readonly events: EventRepository;
  readonly drafts: DraftRepository;
  readonly documents: DocumentRepository;
  readonly listings: ListingRepository;
  readonly settings: SettingsRepository;
  readonly audit: AuditRepository;
  readonly kv: KvRepository;
  readonly sequences: SequenceRepository;
  readonly leases: LeaseRepository;
  readonly retention: RetentionRepository;
  readonly maintenance: StoreMaintenance;
  /** Throws when the store cannot serve requests (used by `/ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
