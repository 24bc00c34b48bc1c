/**
 * The records the service keeps, as plain objects. Both store adapters return exactly these shapes.
 * Avito's numeric ids (user, author, item) exceed int32 and are kept as decimal strings.
 */

/**
 * Who answers a chat: the AI (drafts, auto or reviewed), or a human (the owner took over, or the seller wrote
 * elsewhere).
 */
export type ChatState = 'ai' | 'human';
/** `auto`: grounded answers go out on their own; `review`: every draft waits for the owner's ✅. */
export type Mode = 'auto' | 'review';

/** What we know about the listing a chat is about (from the chat endpoint or the listings sync). */
export interface ListingFacts {
  title: string;
  price: string | null;
  url: string | null;
  description?: string | null;
}

/** One conversation with one buyer on one channel. */
export interface Chat {
  /**
   * Unique across channels: Avito's own id (`u2i-…`), `tg:<id>` or `web:<session>` (see
   * responder/channel.ts).
   */
  id: string;
  /** The listing the chat is about (the Avito item id), when known. */
  itemId: string | null;
  /** The buyer's id on the channel. */
  buyerId: string | null;
  /** As the channel shows it; personal data, sealed at rest. */
  buyerName: string | null;
  /** The listing's facts the model and the owner see, fetched once per chat. */
  listing: ListingFacts | null;
  /** `human`: the seller has taken over; no drafts are made. */
  state: ChatState;
  /** When an automatic pause (seller wrote from the Avito app) ends; null for a manual take-over. */
  humanUntil: Date | null;
  /** Per-chat mode override; null follows the global mode. */
  mode: Mode | null;
  /** When the buyer last wrote (the channel's time). */
  lastInboundAt: Date | null;
  /** When our side last wrote, or an answer of ours was sent. */
  lastOutboundAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * `in`: from the buyer; `out`: from our side of the conversation (the AI, the owner, the seller elsewhere).
 */
export type MessageDirection = 'in' | 'out';
/**
 * Whose words a message is: the buyer's, the AI's (as approved), the owner's (edited, replied, or written
 * elsewhere), or the channel's own notice.
 */
export type MessageAuthor = 'buyer' | 'ai' | 'owner' | 'system';

/** One message of a conversation, ours or the buyer's, stored once. */
export interface Message {
  /** The channel's message id (unique across chats and channels). */
  id: string;
  chatId: string;
  direction: MessageDirection;
  author: MessageAuthor;
  /** The message kind: text, image, voice, system…, or a channel's own (Avito's `item`, `call`…). */
  type: string;
  text: string | null;
  /** The channel's `content` object as received, for non-text types. */
  content: Record<string, unknown> | null;
  /** The draft this outbound message delivered, when it was ours. */
  draftId: string | null;
  /**
   * When the channel says it was written (Avito: whole seconds, Avito's clock): shown, never used to decide
   * what is answered.
   */
  createdAt: Date;
  /**
   * Arrival order: a number the store assigns at insert, greater than every message stored before it.
   * The conversation's order as we learned it, which decides what is answered (see responder/context.ts).
   */
  seq: number;
}

/** One of the seller's own Avito listings, as the listings sync last saw it. */
export interface Listing {
  /** Avito item id. */
  id: string;
  title: string;
  /** Price in rubles; null when the listing has none ("договорная"). */
  price: number | null;
  url: string | null;
  /** Avito status: active, old, blocked, rejected, removed. */
  status: string;
  category: string | null;
  address: string | null;
  syncedAt: Date;
}

/**
 * Where a stored webhook delivery stands: waiting for its job, done, not a message, or given up after
 * retries.
 */
export type EventStatus = 'pending' | 'processed' | 'ignored' | 'failed';

/** A raw webhook delivery kept for deduplication, replay and audit. */
export interface InboxEvent {
  /** Envelope id when Avito sent one, else derived from the message id. */
  id: string;
  /** `payload.value.id`: the second deduplication key. */
  messageId: string | null;
  payload: unknown;
  status: EventStatus;
  attempts: number;
  error: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

/**
 * A draft's state: `pending` (card shown) → `approved` → `sending` → `sent`; side exits `dismissed`,
 * `superseded` (replaced by a newer draft for the same messages) and `failed` (the owner sees why and may
 * retry).
 */
export type DraftStatus = 'pending' | 'approved' | 'sending' | 'sent' | 'dismissed' | 'superseded' | 'failed';
/** `reply`: the owner's own words (reply to a card, ✍️); sent as is, author `owner`. */
export type DraftKind = 'answer' | 'fallback' | 'escalation' | 'reply';
/**
 * Where an answer's sources came from: the listing's documents, general ones, the local index (no Gemini),
 * none.
 */
export type DraftStrategy = 'item' | 'general' | 'local' | 'none';

/** A passage an answer is grounded in, as the owner's card cites it. */
export interface DraftSource {
  title: string;
  docId: string | null;
  itemId: string | null;
  snippet: string | null;
}

/** Where a draft's card lives in Telegram, so it can be edited to its final state. */
export interface CardRef {
  chatId: string;
  messageId: number;
}

/** An answer to one or more buyer messages, on its way from the AI (or the owner) to the buyer. */
export interface Draft {
  id: string;
  chatId: string;
  kind: DraftKind;
  status: DraftStatus;
  /** What goes to the buyer (the owner's edit, once edited); empty for an escalation. */
  text: string;
  /** The text as first generated, kept when the owner edits. */
  originalText: string;
  sources: DraftSource[];
  /** The grounding guard found nothing in the text that the sources lack. */
  grounded: boolean;
  /** What the grounding guard objected to (spans), or the escalation reason. */
  findings: string[];
  strategy: DraftStrategy;
  /**
   * The model service and model that wrote the text (`openai`, `gpt-4o-mini`), or that said the documents do
   * not cover the question; null when no model did (local index, escalation, the owner's own words).
   */
  provider: string | null;
  model: string | null;
  /** The buyer messages this draft answers. */
  coversMessageIds: string[];
  card: CardRef | null;
  /** Who approved it: `auto`, or a Telegram user id. */
  approvedBy: string | null;
  /** The channel's message ids of the sent parts (a long answer is split to the channel's length limit). */
  sentMessageIds: string[];
  /** Sends tried so far. */
  attempts: number;
  /** Why it did not (fully) reach the buyer: a `DeliveryProblem` as JSON (responder/delivery-problem.ts). */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who wrote what a draft sends, as its messages record it: the AI's words (approved as they are, by anyone) or
 * the owner's (edited, or the owner's own reply). The deliver job and an echo that overtakes it must agree.
 */
export function sentAuthor(draft: Pick<Draft, 'kind' | 'text' | 'originalText'>): 'ai' | 'owner' {
  if (draft.kind === 'reply') return 'owner';
  return draft.text === draft.originalText ? 'ai' : 'owner';
}

/**
 * `item`: about one listing (answers for its chats look here first); `general`: about the seller's business.
 */
export type DocumentScope = 'general' | 'item';
/**
 * How a document came in: sent to the bot, found in the knowledge folder, or made from a listing by the sync.
 */
export type DocumentOrigin = 'upload' | 'folder' | 'listing';
/** A document's indexing: under way, searchable, or failed (with the error). */
export type DocumentState = 'indexing' | 'ready' | 'failed';

/** One document of the knowledge base. */
export interface KnowledgeDocument {
  id: string;
  title: string;
  scope: DocumentScope;
  itemId: string | null;
  origin: DocumentOrigin;
  /** Stable key within the origin (folder-relative path, listing id, Telegram file unique id). */
  sourceKey: string | null;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  /** File Search document name, e.g. `fileSearchStores/s/documents/d`. */
  remoteName: string | null;
  state: DocumentState;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A piece of a document's text, in order, for the local index. */
export interface Chunk {
  docId: string;
  index: number;
  text: string;
}

/**
 * A chunk's embedding, kept beside the chunk so it is computed once: it is made again only when the
 * embedded text (its hash) or the embedding model changes.
 */
export interface ChunkEmbedding {
  docId: string;
  index: number;
  /** The embedding model that made the vector, with its provider (`openai:text-embedding-3-small`). */
  model: string;
  /** sha256 (hex) of the text that was embedded. */
  textHash: string;
  vector: Float32Array;
}

/** A chunk with the fields of its document that retrieval filters and cites on. */
export interface ChunkWithDocument extends Chunk {
  title: string;
  scope: DocumentScope;
  itemId: string | null;
}

/** The owner's choices; unset fields fall back to configuration. */
export interface Settings {
  mode?: Mode;
  /** Global kill switch (`/pause`): nothing is sent automatically. */
  paused?: boolean;
  escalationKeywords?: string[];
  locale?: 'ru' | 'en';
}

/** One line of the audit trail (never changed). */
export interface AuditEntry {
  id: string;
  at: Date;
  /**
   * `system`, `auto`, `buyer` (what a buyer's message changed), `tg:<user id>` (an owner in Telegram), or
   * `<channel>-app` (the seller outside our service).
   */
  actor: string;
  action: string;
  chatId: string | null;
  draftId: string | null;
  /** The lead this entry is about (stage changes, brief edits, contacts). */
  leadId: string | null;
  before: string | null;
  after: string | null;
  details: Record<string, unknown> | null;
}

/** Where a lead's buyer writes from: every channel the responder serves, one union. */
export const LEAD_CHANNELS = ['avito', 'telegram', 'web'] as const;
export type LeadChannel = (typeof LEAD_CHANNELS)[number];

/**
 * A lead's way through the sale, in order; `lost` can be reached from any open stage. The moves allowed
 * between them are `src/sales/leads/stages.ts`'s to decide; the store only keeps them atomic.
 */
export const LEAD_STAGES = [
  'new',
  'qualified',
  'offer_sent',
  'booked',
  'invoiced',
  'paid',
  'won',
  'lost',
] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

/** Stages that close a lead: a returning buyer starts a new one instead of continuing it. */
export const CLOSED_LEAD_STAGES: readonly LeadStage[] = ['won', 'lost'];

/** One conversation a lead continued in (an Avito chat, a Telegram chat, a widget session). */
export interface LeadConversation {
  channel: LeadChannel;
  conversationId: string;
}

/** The listing the buyer wrote about. */
export interface LeadListing {
  /** Avito item id (or the channel's own product id). */
  itemId: string;
  title: string | null;
}

/** The buyer's contact: personal data, sealed at rest when `DATA_ENCRYPTION_KEY` is set. */
export interface LeadContact {
  name: string | null;
  /** E.164: `+79161234567`. */
  phone: string | null;
  /** Lower case; Cyrillic domains as written (`иван@почта.рф`). */
  email: string | null;
}

/** Where a brief value came from: a buyer's message, or the owner who typed it. */
export type BriefSource = { kind: 'message'; messageId: string } | { kind: 'owner'; actor: string };

/**
 * One field of the buyer's brief. The value's type follows the field's (`src/sales/leads/brief/fields.ts`):
 * text → string, number → number, money → integer kopecks, date → `YYYY-MM-DD` in the seller's time zone.
 * `null` is a value the owner cleared on purpose: extraction leaves it alone.
 */
export interface BriefEntry {
  value: string | number | null;
  source: BriefSource;
  /** The buyer's words the value was read from; null for the owner's edits. */
  quote: string | null;
  at: Date;
}

/** The brief by field id. */
export type Brief = Record<string, BriefEntry>;

/** Money of a lead, in kopecks; null until known. */
export interface LeadAmounts {
  quoted: number | null;
  invoiced: number | null;
  paid: number | null;
}

/** A document issued for a lead (the PDF itself is not kept here). */
export interface LeadDocumentRef {
  kind: 'offer' | 'contract' | 'invoice';
  /** `СЧ-2026-0001`: unique per kind. */
  number: string;
  /** The document's total in kopecks. */
  total: number | null;
  issuedAt: Date;
  /** When the buyer was sent its link; absent until then. */
  sentAt?: Date | null;
  /** How many times the buyer's link was downloaded. */
  downloads?: number;
}

/** Where an owner's document stands: shown to the owner, sent to the buyer as a link, or dropped. */
export type SalesDocumentStatus = 'prepared' | 'sent' | 'cancelled';
export const SALES_DOCUMENT_STATUSES: readonly SalesDocumentStatus[] = ['prepared', 'sent', 'cancelled'];

/** A document the owner was shown for a lead (the PDF is a file of its own, named by `id`). */
export interface SalesDocument {
  id: string;
  leadId: string;
  kind: LeadDocumentRef['kind'];
  /** `СЧ-2026-0001`. */
  number: string;
  /** «Счёт на оплату № СЧ-2026-0001». */
  title: string;
  /** Kopecks. */
  total: number;
  /** The order it was priced from, as the sales side wrote it (it validates what it reads back). */
  order: unknown;
  status: SalesDocumentStatus;
  fileName: string;
  pages: number;
  bytes: number;
  createdAt: Date;
  sentAt: Date | null;
}

/** A buyer's download link: only the token's SHA-256 is kept, so a copy of the store opens nothing. */
export interface DocumentLink {
  tokenHash: string;
  documentId: string;
  leadId: string;
  kind: LeadDocumentRef['kind'];
  number: string;
  expiresAt: Date;
}

/**
 * A buyer's request on its way to a sale. Timestamps are instants (`Date`); dates the seller reads are
 * rendered in the sales configuration's time zone.
 */
export interface Lead {
  id: string;
  /** The channel and conversation the lead started in. */
  channel: LeadChannel;
  conversationId: string;
  /** Every conversation the buyer continued it in, the first one first. */
  conversations: LeadConversation[];
  listing: LeadListing | null;
  contact: LeadContact;
  brief: Brief;
  stage: LeadStage;
  /** Why it was lost (required with `lost`); null otherwise. */
  lostReason: string | null;
  /** The stage it was lost from, where reopening takes it back. */
  lostFrom: LeadStage | null;
  /** `avito-lead`, `<channel>-lead` for each channel it came through. */
  tags: string[];
  amounts: LeadAmounts;
  documents: LeadDocumentRef[];
  /** Bumped by every change: the compare-and-set token of `LeadRepository.update`. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  stageChangedAt: Date;
  /** When it became won or lost; null while open. */
  closedAt: Date | null;
}

/** A time range offered or booked (instants; shown in the sales configuration's time zone). */
export interface TimeRange {
  start: Date;
  end: Date;
}

/** The consultation slots offered to a lead's buyer (one offer per lead, the latest), open until chosen or past. */
export interface ConsultationOffer {
  leadId: string;
  /** The conversation the slots were offered in. */
  chatId: string;
  slots: TimeRange[];
  at: Date;
  /** Set once the buyer chose: a repeat of the same choice is answered as booked again. */
  booked: { eventId: string; start: Date } | null;
}

/** A lead's consultation as we keep it (one per lead; the event itself is the calendar's). */
export interface ConsultationBooking {
  leadId: string;
  /** The calendar event's deterministic id: one event belongs to one lead. */
  eventId: string;
  chatId: string;
  start: Date;
  end: Date;
  /** The invitation's SEQUENCE: bumped by every change the buyer is e-mailed about. */
  sequence: number;
  status: 'booked' | 'cancelled';
}

export const INVOICE_PAYMENT_STATUSES = ['creating', 'pending', 'succeeded', 'canceled'] as const;
export type InvoicePaymentStatus = (typeof INVOICE_PAYMENT_STATUSES)[number];

/** The payment of one invoice as we keep it (one per invoice); YooKassa's own record is the truth. */
export interface InvoicePaymentRecord {
  /** The invoice's number (`СЧ-2026-0001`). */
  invoice: string;
  leadId: string;
  amountKopecks: number;
  /** The attempt the Idempotence-Key is made with: a new one only after a payment ended `canceled`. */
  attempt: number;
  /** YooKassa's id of the current attempt's payment: one payment belongs to one invoice. */
  paymentId: string | null;
  status: InvoicePaymentStatus;
  confirmationUrl: string | null;
  paidAt: Date | null;
  /** Changed only by applying a refund (once per refund id), never by a write of the record. */
  refundedKopecks: number;
}

/**
 * Our lead's deal in amoCRM (one deal per lead, one lead per deal). `status`: where the deal's status stands as
 * far as we know — `statusId` was reached while our lead was at `stage`; `confirmed` is false between deciding
 * on a move and amoCRM acknowledging it, so an interrupted move is made again.
 */
export interface CrmDeal {
  leadId: string;
  dealId: number;
  contactId: number | null;
  /** Tags known to be on the deal (ours: `avito-lead`, `telegram-lead`…). */
  tags: string[];
  status: { stage: LeadStage; statusId: number | null; confirmed: boolean } | null;
}

/**
 * Where an integration's message to a buyer stands (by its idempotence key): `sending` since an instant (a run
 * cut off after it looks for its reply among the chat's drafts), or `sent` as a draft.
 */
export type BuyerMessageState =
  { key: string; state: 'sending'; since: Date } | { key: string; state: 'sent'; draftId: string };

/** The PDF of an issued document, kept for the e-mails that carry it (sealed at rest: it names the buyer). */
export interface DocumentFile {
  kind: LeadDocumentRef['kind'];
  number: string;
  pdf: Uint8Array;
  createdAt: Date;
}
