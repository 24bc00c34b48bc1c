import type {
  AuditEntry,
  Chat,
  Chunk,
  ChunkEmbedding,
  ChunkWithDocument,
  ConsultationBooking,
  ConsultationOffer,
  CrmDeal,
  BuyerMessageState,
  DocumentFile,
  DocumentLink,
  InvoicePaymentRecord,
  DocumentScope,
  DocumentState,
  Draft,
  DraftStatus,
  InboxEvent,
  KnowledgeDocument,
  Lead,
  LeadChannel,
  LeadStage,
  Listing,
  Message,
  SalesDocument,
  SalesDocumentStatus,
  Settings,
} from '../models/records.js';

/** Result of an insert-once: a duplicate is a normal outcome, not an error. */
export type InsertOnce<T> = { inserted: true; record: T } | { inserted: false; existing: T };

/** A chat to create or merge: its id, and the fields to set (`undefined` leaves a field as it is). */
export type ChatUpsert = Pick<Chat, 'id'> & Partial<Omit<Chat, 'id' | 'createdAt' | 'updatedAt'>>;

/** Conversations, one per chat id (of any channel: see `responder/channel.ts` for the ids). */
export interface ChatRepository {
  /** Creates the chat or merges the given fields into it; returns the stored chat. */
  upsert(chat: ChatUpsert): Promise<Chat>;
  get(id: string): Promise<Chat | null>;
  /** Chats in a state (e.g. `human` for `/chats`), most recently active first. */
  listByState(state: Chat['state'], limit?: number): Promise<Chat[]>;
  /** Chats whose automatic human pause ended before `now` (to hand them back to the AI). */
  listPauseExpired(now: Date): Promise<Chat[]>;
}

/** A message to store; the store assigns its arrival number (`seq`). */
export type MessageInput = Omit<Message, 'draftId' | 'seq'> & { draftId?: string | null };

/** Every message of every chat, ours and the buyers', stored once by id. */
export interface MessageRepository {
  /**
   * Stores the message once (by id) and gives it the next arrival number (`seq`); a repeat returns the first.
   */
  insertOnce(message: MessageInput): Promise<InsertOnce<Message>>;
  get(id: string): Promise<Message | null>;
  /** The last `limit` messages of a chat in arrival order (`seq`, oldest first). */
  lastN(chatId: string, limit: number): Promise<Message[]>;
}

/** A webhook delivery to keep: its id, the message id it carries (the second dedup key), the raw payload. */
export type EventInput = Pick<InboxEvent, 'id' | 'messageId' | 'payload'> & { receivedAt?: Date };

/** The inbox: raw webhook deliveries, kept once, processed by a job, removed after the retention period. */
export interface EventRepository {
  /** Stores a webhook delivery once; a repeat of its id or of its message id returns the existing one. */
  insertOnce(event: EventInput): Promise<InsertOnce<InboxEvent>>;
  get(id: string): Promise<InboxEvent | null>;
  /** Records the outcome of processing (attempts are counted by `markAttempt`). */
  setStatus(id: string, status: InboxEvent['status'], error?: string | null): Promise<InboxEvent | null>;
  /** Counts one more processing attempt (the inbound job gives up after a few). */
  markAttempt(id: string): Promise<InboxEvent | null>;
  /** Events in a status, oldest first (at most `limit`, default 100). */
  listByStatus(status: InboxEvent['status'], limit?: number): Promise<InboxEvent[]>;
  /** Deletes processed or ignored events received before `before`; returns how many. */
  deleteProcessedBefore(before: Date): Promise<number>;
}

/** A new draft: its chat, kind and text; everything else has a default (status `pending`). */
export type DraftInput = Pick<Draft, 'chatId' | 'kind' | 'text'> &
  Partial<Omit<Draft, 'id' | 'chatId' | 'kind' | 'text' | 'createdAt' | 'updatedAt'>>;

/** Fields a transition or update may change. */
export type DraftPatch = Partial<Omit<Draft, 'id' | 'chatId' | 'status' | 'createdAt' | 'updatedAt'>>;

/**
 * Drafts and their state machine (`pending → approved → sending → sent`, side exits); see models/records.ts.
 */
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
  /** Drafts in any of `statuses`, oldest first (at most `limit`, default 100). */
  listByStatus(statuses: readonly DraftStatus[], limit?: number): Promise<Draft[]>;
  /** Drafts of a chat, newest first, optionally only in the given statuses. */
  listForChat(chatId: string, statuses?: readonly DraftStatus[]): Promise<Draft[]>;
}

/** A knowledge document to save; a given `id` replaces that document, keeping its creation time. */
export type DocumentInput = Omit<
  KnowledgeDocument,
  'id' | 'createdAt' | 'updatedAt' | 'error' | 'remoteName'
> & {
  id?: string;
  error?: string | null;
  remoteName?: string | null;
};

/** Which documents to list: every given field must match. */
export interface DocumentFilter {
  scope?: DocumentScope;
  itemId?: string;
  state?: DocumentState;
  origin?: KnowledgeDocument['origin'];
}

/** The knowledge base: documents and their text chunks (the local index reads the chunks). */
export interface DocumentRepository {
  /** Inserts a document, or replaces the one with the same id. */
  save(doc: DocumentInput): Promise<KnowledgeDocument>;
  get(id: string): Promise<KnowledgeDocument | null>;
  /** The document that came from this origin + key (a folder path, a listing id), if any. */
  findBySource(origin: KnowledgeDocument['origin'], sourceKey: string): Promise<KnowledgeDocument | null>;
  /** Documents in the order they were first saved. */
  list(filter?: DocumentFilter): Promise<KnowledgeDocument[]>;
  /** Changes the indexing state, error, remote name or title; null when there is no such document. */
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
  /** The stored embeddings of ready documents' chunks (any model), for the vector index. */
  embeddings(): Promise<ChunkEmbedding[]>;
  /**
   * Stores chunk vectors, each replacing the chunk's earlier one. A row whose chunk is gone (its document
   * was removed or re-chunked shorter meanwhile) is skipped; `replaceChunks` and `remove` drop the
   * vectors of the chunks they drop.
   */
  saveEmbeddings(rows: readonly ChunkEmbedding[]): Promise<void>;
}

/** The seller's listings as the listings sync last saw them. */
export interface ListingRepository {
  /** Inserts or replaces the listing with this id. */
  upsert(listing: Listing): Promise<Listing>;
  get(id: string): Promise<Listing | null>;
  /** Listings ordered by title, optionally only with this status. */
  list(filter?: { status?: string }): Promise<Listing[]>;
  /** Removes the listing; false when it was not there. */
  remove(id: string): Promise<boolean>;
}

/** The owner's choices (one record); unset fields fall back to configuration. */
export interface SettingsRepository {
  /** The stored settings; `{}` before the owner changed anything. */
  get(): Promise<Settings>;
  /** Merges `patch` into the stored settings; `undefined` fields are left as they are. */
  update(patch: Settings): Promise<Settings>;
}

/** An audit entry to append: who and what, with the chat, draft and before/after texts where they apply. */
export type AuditInput = Pick<AuditEntry, 'actor' | 'action'> &
  Partial<Pick<AuditEntry, 'chatId' | 'draftId' | 'leadId' | 'before' | 'after' | 'details' | 'at'>>;

/** Which audit entries to read: every given field must match; `limit` defaults to 100. */
export interface AuditQuery {
  chatId?: string;
  draftId?: string;
  leadId?: string;
  action?: string;
  since?: Date;
  limit?: number;
}

/** Who did what when: every owner action and every automatic decision that changes something. */
export interface AuditRepository {
  /** Appends an entry (entries are never changed or removed). */
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  query(query?: AuditQuery): Promise<AuditEntry[]>;
}

/**
 * Short exclusive leases across processes (e.g. one `respond` per chat at a time). A holder renews its lease
 * while it works and releases it when done; a lease not renewed (its process died) is free after its ttl.
 */
export interface LeaseRepository {
  /**
   * Takes `name` for `holder` when it is free, expired or already this holder's; false while another holds
   * it.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the holder's lease; false when it is no longer the holder's (expired and taken, or released). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if the holder still has it. */
  release(name: string, holder: string): Promise<void>;
}

/**
 * Small JSON values by key (token cache, secrets generated once, card index, bot state), with an optional
 * expiry.
 */
export interface KvRepository {
  /** The value, or null when absent or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores a JSON value; with `ttlMs` it reads as absent after expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Stores the value only when the key is absent (or expired); true when this call stored it. */
  setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /** Removes the key; false when it was not there. */
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix`, live or expired, in key order after `after`, at most `limit` (default 100). */
  keys(prefix: string, page?: { after?: string; limit?: number }): Promise<string[]>;
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

/** A new lead: it starts at `new`, version 1. */
export type LeadInput = Pick<Lead, 'channel' | 'conversationId'> &
  Partial<Pick<Lead, 'listing' | 'contact' | 'brief' | 'tags' | 'amounts'>> & {
    /**
     * Lookup keys of the contact (see `src/security/contact-keys.ts`). The encryption decorator supplies
     * them, since it alone holds the key; left out, the adapter derives the keyless ones from the contact.
     */
    contactKeys?: readonly string[];
  };

/** Fields an update may replace (whole: a contact, a brief, a list). */
export type LeadPatch = Partial<
  Pick<Lead, 'conversations' | 'listing' | 'contact' | 'brief' | 'tags' | 'amounts' | 'documents'>
> & {
  /** As in {@link LeadInput}; replaces the lookup keys whenever `contact` is given. */
  contactKeys?: readonly string[];
};

/** An audit entry written in the same transaction as the lead change it records. */
export type LeadAuditInput = Pick<AuditEntry, 'actor' | 'action'> &
  Partial<Pick<AuditEntry, 'before' | 'after' | 'details'>>;

/** Find open leads by phone or e-mail (either matches), or by lookup keys computed by the caller. */
export interface ContactLookup {
  phone?: string | null;
  email?: string | null;
  /** Used instead of `phone` and `email` when given (by the encryption decorator). */
  keys?: readonly string[];
}

/** One page of leads, newest first; `next` continues after the last one, null at the end. */
export interface LeadPage {
  leads: Lead[];
  next: string | null;
}

/** A write that would break a uniqueness the records rely on (an event, payment or deal of another lead). */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
  constructor(
    readonly what: string,
    readonly value: string,
    readonly owner: string,
  ) {
    super(`The ${what} ${value} already belongs to ${owner}.`);
  }
}

/** A conversation already belongs to another open lead (a lead is being reopened or continued). */
export class LeadConversationTakenError extends Error {
  override name = 'LeadConversationTakenError';
  constructor(
    readonly channel: LeadChannel,
    readonly conversationId: string,
    readonly openLeadId: string,
  ) {
    super(
      `The ${channel} conversation ${conversationId} already belongs to the open lead ${openLeadId}: ` +
        'close that lead (won or lost) first.',
    );
  }
}

/**
 * Leads and their stages. Every write bumps `version` and appends its audit entries in the same
 * transaction, so the audit trail of a lead (`audit.query({ leadId })`) never misses a change it made.
 * An open lead holds its conversations: one conversation has at most one open lead at a time.
 */
export interface LeadRepository {
  /**
   * Creates a lead at `new` for its conversation, unless an open lead already holds that conversation:
   * then `{ inserted: false, existing }` and nothing is written (two first messages processed at once
   * make one lead).
   */
  create(input: LeadInput, audit: readonly LeadAuditInput[]): Promise<InsertOnce<Lead>>;
  get(id: string): Promise<Lead | null>;
  /** The open lead holding this conversation, if any. */
  findOpenByConversation(channel: LeadChannel, conversationId: string): Promise<Lead | null>;
  /** Open leads with this phone or e-mail, most recently updated first. */
  findOpenByContact(lookup: ContactLookup): Promise<Lead[]>;
  /**
   * Compare-and-set on `version`: applies `patch` only if the lead is still at `version`; null when it
   * changed meanwhile (read it again and retry) or does not exist. New conversations in `patch` are
   * claimed; one held by another open lead throws {@link LeadConversationTakenError}.
   */
  update(
    id: string,
    version: number,
    patch: LeadPatch,
    audit: readonly LeadAuditInput[],
  ): Promise<Lead | null>;
  /**
   * Compare-and-set on the stage: moves the lead to `to` only if its stage is one of `from`; null when
   * it was not (someone else moved it first). `lost` needs `lostReason` and records the stage it left;
   * reaching `won` or `lost` releases the lead's conversations, leaving them reclaims them (throws
   * {@link LeadConversationTakenError} when another open lead took one meanwhile).
   */
  transition(
    id: string,
    from: readonly LeadStage[],
    to: LeadStage,
    change: { lostReason?: string; audit: readonly LeadAuditInput[] },
  ): Promise<Lead | null>;
  /** Leads in these stages, newest first, `limit` (default 20) at a time after the cursor `after`. */
  listByStage(
    stages: readonly LeadStage[],
    page?: { limit?: number; after?: string | null },
  ): Promise<LeadPage>;
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
  'leads.contact',
  'leads.brief',
  'leads.lostReason',
  'documentFiles.pdf',
] as const;
export type ProtectedField = (typeof PROTECTED_FIELDS)[number];

/** Protected fields that hold bytes (sealed as bytes, see `security/cipher.ts`), not text or JSON. */
export const BINARY_PROTECTED_FIELDS: readonly ProtectedField[] = ['documentFiles.pdf'];

/**
 * Replacement for one stored value of a protected field, or `undefined` to leave it. Values come and go
 * as the record holds them: a string for text fields, the JSON value (or a sealed string) for
 * `messages.content`, `events.payload` and `kv.value`, a `Uint8Array` for {@link BINARY_PROTECTED_FIELDS}.
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
  /**
   * Visits every lead with a contact and replaces its lookup keys with what `compute` returns for the
   * raw stored contact (sealed or not); `undefined` leaves them. Compare-and-set on the contact: a lead
   * whose contact changed meanwhile is skipped (its writer set fresh keys). Used by key rotation.
   */
  rewriteContactKeys(
    compute: (contact: unknown) => readonly string[] | undefined,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Omit<RewriteReport, 'compacted'>>;
}

/** What 🔄 and ✅ change on an owner's document. */
export type SalesDocumentPatch = Partial<
  Pick<SalesDocument, 'status' | 'sentAt' | 'total' | 'pages' | 'bytes'>
>;

/** The owner's documents for leads and the buyers' download links to them. */
export interface SalesDocumentRepository {
  /** Records a new document (its id is new: a second create of the same id throws). */
  create(doc: SalesDocument): Promise<void>;
  get(id: string): Promise<SalesDocument | null>;
  /**
   * Compare-and-set on the status: applies `patch` only if the document is in one of `from`; null when it was
   * not (a double tap, or someone else acted first) or does not exist.
   */
  update(
    id: string,
    from: readonly SalesDocumentStatus[],
    patch: SalesDocumentPatch,
  ): Promise<SalesDocument | null>;
  addLink(link: DocumentLink): Promise<void>;
  /** The link with this token hash while it lives (`expiresAt` after the store's now); null otherwise. */
  findLink(tokenHash: string): Promise<DocumentLink | null>;
  /** Removes links that expired before `before`; how many. */
  removeExpiredLinks(before: Date): Promise<number>;
  /** Keeps `order` as the lead's order (the last `/quote` made for it), replacing the one before. */
  setOrder(leadId: string, order: unknown): Promise<void>;
  /** The lead's order as stored (the sales side validates it), or null. */
  getOrder(leadId: string): Promise<unknown>;
  /**
   * Keeps an issued document's PDF (one per kind and number, a second save replaces it). At most
   * {@link MAX_DOCUMENT_FILE_BYTES}: a larger one is refused, never cut.
   */
  saveFile(file: DocumentFile): Promise<void>;
  /** The PDF kept for this document, or null. */
  getFile(kind: DocumentFile['kind'], number: string): Promise<DocumentFile | null>;
}

/** The largest PDF the store keeps: below MongoDB's 16 MiB document limit with room for the seal and fields. */
export const MAX_DOCUMENT_FILE_BYTES = 15 * 1024 * 1024;

/** Consultation slots offered to leads' buyers and the leads' bookings (the calendar integration's). */
export interface ConsultationRepository {
  offer(leadId: string): Promise<ConsultationOffer | null>;
  /** Replaces the lead's offer. */
  saveOffer(offer: ConsultationOffer): Promise<void>;
  booking(leadId: string): Promise<ConsultationBooking | null>;
  /**
   * Replaces the lead's booking (one per lead). An event id already booked for another lead is refused with
   * a {@link StoreConflictError}.
   */
  saveBooking(booking: ConsultationBooking): Promise<void>;
}

/** Invoice payments (the YooKassa integration's): one per invoice, found back by YooKassa's payment id. */
export interface PaymentRepository {
  get(invoice: string): Promise<InvoicePaymentRecord | null>;
  /**
   * Inserts or replaces the invoice's payment, all but `refundedKopecks` (which only {@link applyRefund}
   * changes). A payment id already on another invoice is refused with a {@link StoreConflictError}.
   */
  put(record: InvoicePaymentRecord): Promise<InvoicePaymentRecord>;
  findByPaymentId(paymentId: string): Promise<InvoicePaymentRecord | null>;
  /**
   * Compare-and-set: counts the refund `refundId` once against the invoice (capped at its amount) and
   * returns the updated payment; null when that refund was counted already or there is no such invoice.
   */
  applyRefund(refundId: string, invoice: string, kopecks: number): Promise<InvoicePaymentRecord | null>;
  /** Whether the refund was counted already (on any invoice). */
  refundApplied(refundId: string): Promise<boolean>;
  /** Records a refund counted before this repository existed (its sum is in the payment): never counted again. */
  markRefundCounted(refundId: string): Promise<void>;
}

/** Leads' deals in amoCRM, both ways: one deal per lead, one lead per deal. */
export interface CrmDealRepository {
  get(leadId: string): Promise<CrmDeal | null>;
  /** Inserts or replaces the lead's deal; a deal id that is another lead's is a {@link StoreConflictError}. */
  put(deal: CrmDeal): Promise<void>;
  leadOf(dealId: number): Promise<string | null>;
  /** The digest of the last brief noted on the lead's deal, or null. */
  briefNoted(leadId: string): Promise<string | null>;
  /** Records the digest of the brief just noted; false when the lead has no deal. */
  setBriefNoted(leadId: string, digest: string): Promise<boolean>;
}

/** Where the integrations' messages to buyers stand, by idempotence key (see `integrations/buyer-messages.ts`). */
export interface BuyerMessageRepository {
  get(key: string): Promise<BuyerMessageState | null>;
  /** Marks the message as being sent since `since`; false (nothing changed) when it is sent already. */
  markSending(key: string, since: Date): Promise<boolean>;
  markSent(key: string, draftId: string): Promise<void>;
  /** Forgets the message (its sending failed for good); false when there was nothing. */
  clear(key: string): Promise<boolean>;
}

/**
 * The one port to persistence. `src/` depends on this, never on an adapter: `store/sqlite/` (embedded, the
 * default) and `store/mongo/` implement it, one module per repository, and pass the same contract tests
 * (`test/store/contract.ts`). Records go in and come out as plain objects (`models/records.ts`).
 */
export interface Store {
  /** Which adapter this is (shown in `/ready` and the start-up log). */
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
  readonly leads: LeadRepository;
  readonly salesDocuments: SalesDocumentRepository;
  readonly consultations: ConsultationRepository;
  readonly payments: PaymentRepository;
  readonly crmDeals: CrmDealRepository;
  readonly buyerMessages: BuyerMessageRepository;
  readonly retention: RetentionRepository;
  readonly maintenance: StoreMaintenance;
  /** Throws when the store cannot serve requests (used by `/ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
