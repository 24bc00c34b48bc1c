import { type Connection, Schema } from 'mongoose';

/**
 * Mongoose schemas for the records in records.ts. `_id` holds our id (Avito's for chats and messages),
 * so uniqueness comes from the primary key; the other unique keys have their own indexes.
 */

const listingFactsSchema = new Schema(
  {
    title: String,
    price: { type: String, default: null },
    url: { type: String, default: null },
    description: String,
  },
  { _id: false },
);

export const chatSchema = new Schema(
  {
    _id: { type: String, required: true },
    itemId: { type: String, default: null },
    buyerId: { type: String, default: null },
    buyerName: { type: String, default: null },
    listing: { type: listingFactsSchema, default: null },
    state: { type: String, enum: ['ai', 'human'], default: 'ai', required: true },
    humanUntil: { type: Date, default: null },
    mode: { type: String, enum: ['auto', 'review', null], default: null },
    lastInboundAt: { type: Date, default: null },
    lastOutboundAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'chats' },
);
chatSchema.index({ state: 1, updatedAt: -1 });
chatSchema.index({ state: 1, humanUntil: 1 });

export const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    chatId: { type: String, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    author: { type: String, enum: ['buyer', 'ai', 'owner', 'system'], required: true },
    type: { type: String, required: true },
    text: { type: String, default: null },
    content: { type: Schema.Types.Mixed, default: null },
    draftId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    /** Arrival order (from the `counters` collection): what is answered is decided by it. */
    seq: { type: Number, required: true },
  },
  { versionKey: false, collection: 'messages' },
);
messageSchema.index({ chatId: 1, seq: -1 });
messageSchema.index({ seq: -1 });

/** Named monotonic counters (`messages`: the next message `seq`), advanced with `$inc`. */
export const counterSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { versionKey: false, collection: 'counters' },
);

/** Exclusive leases (see LeaseRepository): `_id` is the lease name. */
export const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'leases' },
);

export const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    messageId: { type: String, default: null },
    payload: { type: Schema.Types.Mixed },
    status: { type: String, enum: ['pending', 'processed', 'ignored', 'failed'], required: true },
    attempts: { type: Number, default: 0 },
    error: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'events', minimize: false },
);
// Partial: many events (pings, unknown types) have no message id.
eventSchema.index(
  { messageId: 1 },
  { unique: true, partialFilterExpression: { messageId: { $type: 'string' } } },
);
eventSchema.index({ status: 1, receivedAt: 1 });

const sourceSchema = new Schema(
  {
    title: String,
    docId: { type: String, default: null },
    itemId: { type: String, default: null },
    snippet: { type: String, default: null },
  },
  { _id: false },
);

export const draftSchema = new Schema(
  {
    _id: { type: String, required: true },
    chatId: { type: String, required: true },
    kind: { type: String, enum: ['answer', 'fallback', 'escalation', 'reply'], required: true },
    status: {
      type: String,
      enum: ['pending', 'approved', 'sending', 'sent', 'dismissed', 'superseded', 'failed'],
      required: true,
    },
    text: { type: String, required: true },
    originalText: { type: String, required: true },
    sources: { type: [sourceSchema], default: [] },
    grounded: { type: Boolean, required: true },
    findings: { type: [String], default: [] },
    strategy: { type: String, required: true },
    provider: { type: String, default: null },
    model: { type: String, default: null },
    coversMessageIds: { type: [String], default: [] },
    card: { type: new Schema({ chatId: String, messageId: Number }, { _id: false }), default: null },
    approvedBy: { type: String, default: null },
    sentMessageIds: { type: [String], default: [] },
    attempts: { type: Number, default: 0 },
    error: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'drafts' },
);
draftSchema.index({ chatId: 1, createdAt: -1 });
draftSchema.index({ status: 1, createdAt: 1 });

export const documentSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    scope: { type: String, enum: ['general', 'item'], required: true },
    itemId: { type: String, default: null },
    origin: { type: String, enum: ['upload', 'folder', 'listing'], required: true },
    sourceKey: { type: String, default: null },
    mimeType: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
    sha256: { type: String, required: true },
    remoteName: { type: String, default: null },
    state: { type: String, enum: ['indexing', 'ready', 'failed'], required: true },
    error: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'documents' },
);
documentSchema.index({ scope: 1, itemId: 1 });
documentSchema.index({ origin: 1, sourceKey: 1 });

export const chunkSchema = new Schema(
  {
    docId: { type: String, required: true },
    index: { type: Number, required: true },
    text: { type: String, required: true },
  },
  { versionKey: false, collection: 'chunks' },
);
chunkSchema.index({ docId: 1, index: 1 }, { unique: true });

export const chunkEmbeddingSchema = new Schema(
  {
    docId: { type: String, required: true },
    index: { type: Number, required: true },
    model: { type: String, required: true },
    textHash: { type: String, required: true },
    /** Little-endian float32 values. */
    vector: { type: Buffer, required: true },
  },
  { versionKey: false, collection: 'chunk_embeddings' },
);
chunkEmbeddingSchema.index({ docId: 1, index: 1 }, { unique: true });

export const listingSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    price: { type: Number, default: null },
    url: { type: String, default: null },
    status: { type: String, required: true },
    category: { type: String, default: null },
    address: { type: String, default: null },
    syncedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'listings' },
);
listingSchema.index({ status: 1, title: 1 });

export const settingsSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed, default: {} } },
  { versionKey: false, collection: 'settings', minimize: false },
);

export const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    chatId: { type: String, default: null },
    draftId: { type: String, default: null },
    leadId: { type: String, default: null },
    before: { type: String, default: null },
    after: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: null },
    seq: { type: Number, required: true },
  },
  { versionKey: false, collection: 'audit' },
);
auditSchema.index({ at: -1, seq: -1 });
auditSchema.index({ chatId: 1, at: -1 });
auditSchema.index({ draftId: 1, at: -1 });
auditSchema.index({ leadId: 1, at: -1 });

export const kvSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
    expiresAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'kv' },
);

const leadConversationSchema = new Schema(
  { channel: { type: String, required: true }, conversationId: { type: String, required: true } },
  { _id: false },
);

const leadDocumentSchema = new Schema(
  {
    kind: { type: String, enum: ['offer', 'contract', 'invoice'], required: true },
    number: { type: String, required: true },
    total: { type: Number, default: null },
    issuedAt: { type: Date, required: true },
    sentAt: { type: Date },
    downloads: { type: Number },
  },
  { _id: false },
);

/**
 * Leads. `contact`, `brief` and `lostReason` may hold sealed strings (PII encryption), hence Mixed.
 * `openConversations` (`channel:id` keys, emptied when the lead closes) makes one open lead per
 * conversation a unique index; `contactKeys` are lookup digests, never the phone or e-mail;
 * `pendingAudit` holds a write's audit entries until they are copied to `audit` (MongoDB without a
 * replica set has no multi-document transactions).
 */
export const leadSchema = new Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, enum: ['avito', 'telegram', 'web'], required: true },
    conversationId: { type: String, required: true },
    conversations: { type: [leadConversationSchema], default: [] },
    openConversations: { type: [String], default: [] },
    listing: { type: new Schema({ itemId: String, title: String }, { _id: false }), default: null },
    contact: { type: Schema.Types.Mixed, required: true },
    contactKeys: { type: [String], default: [] },
    brief: { type: Schema.Types.Mixed, default: {} },
    stage: {
      type: String,
      enum: ['new', 'qualified', 'offer_sent', 'booked', 'invoiced', 'paid', 'won', 'lost'],
      required: true,
    },
    lostReason: { type: String, default: null },
    lostFrom: { type: String, default: null },
    tags: { type: [String], default: [] },
    amounts: {
      type: new Schema(
        {
          quoted: { type: Number, default: null },
          invoiced: { type: Number, default: null },
          paid: { type: Number, default: null },
        },
        { _id: false },
      ),
      required: true,
    },
    documents: { type: [leadDocumentSchema], default: [] },
    version: { type: Number, required: true },
    pendingAudit: { type: [Schema.Types.Mixed], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    stageChangedAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'leads', minimize: false },
);
leadSchema.index(
  { openConversations: 1 },
  { unique: true, partialFilterExpression: { openConversations: { $type: 'string' } } },
);
leadSchema.index({ contactKeys: 1 });
leadSchema.index({ stage: 1, createdAt: -1, _id: -1 });

/** The owner's documents for leads (`_id` is the document id). */
export const salesDocumentSchema = new Schema(
  {
    _id: { type: String, required: true },
    leadId: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    number: { type: String, required: true },
    title: { type: String, required: true },
    total: { type: Number, required: true },
    order: { type: Schema.Types.Mixed, default: null },
    status: { type: String, required: true },
    fileName: { type: String, required: true },
    pages: { type: Number, required: true },
    bytes: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'sales_documents', minimize: false },
);

/** Buyers' download links by token hash; MongoDB's TTL index removes them some time after they expire. */
export const documentLinkSchema = new Schema(
  {
    _id: { type: String, required: true },
    documentId: { type: String, required: true },
    leadId: { type: String, required: true },
    kind: { type: String, required: true },
    number: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'document_links' },
);
documentLinkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** A lead's quoted order (`_id` is the lead id), priced again for its next documents. */
export const leadOrderSchema = new Schema(
  {
    _id: { type: String, required: true },
    order: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'lead_orders', minimize: false },
);

/** A lead's consultation offer (`_id` is the lead id: one offer per lead). */
export const consultationOfferSchema = new Schema(
  {
    _id: { type: String, required: true },
    chatId: { type: String, required: true },
    slots: { type: [new Schema({ start: Date, end: Date }, { _id: false })], required: true },
    at: { type: Date, required: true },
    booked: { type: new Schema({ eventId: String, start: Date }, { _id: false }), default: null },
  },
  { versionKey: false, collection: 'consultation_offers' },
);

/** A lead's consultation (`_id` is the lead id: one booking per lead; a calendar event is one lead's). */
export const consultationBookingSchema = new Schema(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true, unique: true },
    chatId: { type: String, required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    sequence: { type: Number, required: true, min: 0 },
    status: { type: String, enum: ['booked', 'cancelled'], required: true },
  },
  { versionKey: false, collection: 'consultation_bookings' },
);

/**
 * An invoice's payment (`_id` is the invoice number: one per invoice); a YooKassa payment id is one invoice's.
 * `refunds` lists the refund ids counted in `refundedKopecks`, the compare-and-set that counts each once.
 */
export const invoicePaymentSchema = new Schema(
  {
    _id: { type: String, required: true },
    leadId: { type: String, required: true },
    amountKopecks: { type: Number, required: true },
    attempt: { type: Number, required: true },
    paymentId: { type: String, default: null },
    status: { type: String, enum: ['creating', 'pending', 'succeeded', 'canceled'], required: true },
    confirmationUrl: { type: String, default: null },
    paidAt: { type: Date, default: null },
    refundedKopecks: { type: Number, required: true },
    refunds: { type: [String], default: [] },
  },
  { versionKey: false, collection: 'invoice_payments' },
);
invoicePaymentSchema.index(
  { paymentId: 1 },
  { unique: true, partialFilterExpression: { paymentId: { $type: 'string' } } },
);
invoicePaymentSchema.index({ refunds: 1 });

/** Refunds counted (`_id` is YooKassa's refund id); the payment's `refunds` is the compare-and-set. */
export const paymentRefundSchema = new Schema(
  {
    _id: { type: String, required: true },
    invoice: { type: String, default: null },
    amountKopecks: { type: Number, required: true },
  },
  { versionKey: false, collection: 'payment_refunds' },
);

/** A lead's amoCRM deal (`_id` is the lead id: one deal per lead; `dealId` unique: one lead per deal). */
export const crmDealSchema = new Schema(
  {
    _id: { type: String, required: true },
    dealId: { type: Number, required: true, unique: true },
    contactId: { type: Number, default: null },
    tags: { type: [String], default: [] },
    status: {
      type: new Schema(
        { stage: String, statusId: { type: Number, default: null }, confirmed: Boolean },
        { _id: false },
      ),
      default: null,
    },
    briefDigest: { type: String, default: null },
  },
  { versionKey: false, collection: 'crm_deals' },
);

/** An integration's message to a buyer by idempotence key (`_id`). */
export const buyerMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: ['sending', 'sent'], required: true },
    since: { type: Date, default: null },
    draftId: { type: String, default: null },
  },
  { versionKey: false, collection: 'buyer_messages' },
);

/** An issued document's PDF: bytes (Binary), sealed when encryption is on; one per kind and number. */
export const documentFileSchema = new Schema(
  {
    kind: { type: String, enum: ['offer', 'contract', 'invoice'], required: true },
    number: { type: String, required: true },
    pdf: { type: Buffer, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'document_files' },
);
documentFileSchema.index({ kind: 1, number: 1 }, { unique: true });

/** Registers every model on a connection (no global mongoose state). */
export function registerModels(connection: Connection) {
  return {
    Chat: connection.model('Chat', chatSchema),
    Message: connection.model('Message', messageSchema),
    Event: connection.model('Event', eventSchema),
    Draft: connection.model('Draft', draftSchema),
    Document: connection.model('Document', documentSchema),
    Chunk: connection.model('Chunk', chunkSchema),
    ChunkEmbedding: connection.model('ChunkEmbedding', chunkEmbeddingSchema),
    Listing: connection.model('Listing', listingSchema),
    Settings: connection.model('Settings', settingsSchema),
    Audit: connection.model('Audit', auditSchema),
    Kv: connection.model('Kv', kvSchema),
    Counter: connection.model('Counter', counterSchema),
    Lease: connection.model('Lease', leaseSchema),
    Lead: connection.model('Lead', leadSchema),
    SalesDocument: connection.model('SalesDocument', salesDocumentSchema),
    DocumentLink: connection.model('DocumentLink', documentLinkSchema),
    LeadOrder: connection.model('LeadOrder', leadOrderSchema),
    ConsultationOffer: connection.model('ConsultationOffer', consultationOfferSchema),
    ConsultationBooking: connection.model('ConsultationBooking', consultationBookingSchema),
    InvoicePayment: connection.model('InvoicePayment', invoicePaymentSchema),
    PaymentRefund: connection.model('PaymentRefund', paymentRefundSchema),
    CrmDeal: connection.model('CrmDeal', crmDealSchema),
    BuyerMessage: connection.model('BuyerMessage', buyerMessageSchema),
    DocumentFile: connection.model('DocumentFile', documentFileSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
