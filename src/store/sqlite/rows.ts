import type {
  AuditEntry,
  Chat,
  Draft,
  InboxEvent,
  KnowledgeDocument,
  Listing,
  Message,
} from '../../models/records.js';
import { fromJson, fromMs, type Row, str } from './database.js';

/** Row → record mappers; the columns are defined in migrations.ts. */

export function chatFromRow(r: Row): Chat {
  return {
    id: String(r.id),
    itemId: str(r.item_id),
    buyerId: str(r.buyer_id),
    buyerName: str(r.buyer_name),
    listing: fromJson(r.listing, null),
    state: r.state as Chat['state'],
    humanUntil: fromMs(r.human_until),
    mode: (r.mode ?? null) as Chat['mode'],
    lastInboundAt: fromMs(r.last_inbound_at),
    lastOutboundAt: fromMs(r.last_outbound_at),
    createdAt: fromMs(r.created_at) as Date,
    updatedAt: fromMs(r.updated_at) as Date,
  };
}

export function messageFromRow(r: Row): Message {
  return {
    id: String(r.id),
    chatId: String(r.chat_id),
    direction: r.direction as Message['direction'],
    author: r.author as Message['author'],
    type: String(r.type),
    text: str(r.text),
    content: fromJson(r.content, null),
    draftId: str(r.draft_id),
    createdAt: fromMs(r.created_at) as Date,
    seq: Number(r.seq),
  };
}

export function eventFromRow(r: Row): InboxEvent {
  return {
    id: String(r.id),
    messageId: str(r.message_id),
    payload: fromJson(r.payload, null),
    status: r.status as InboxEvent['status'],
    attempts: Number(r.attempts),
    error: str(r.error),
    receivedAt: fromMs(r.received_at) as Date,
    processedAt: fromMs(r.processed_at),
  };
}

export function draftFromRow(r: Row): Draft {
  return {
    id: String(r.id),
    chatId: String(r.chat_id),
    kind: r.kind as Draft['kind'],
    status: r.status as Draft['status'],
    text: String(r.text),
    originalText: String(r.original_text),
    sources: fromJson(r.sources, []),
    grounded: Number(r.grounded) === 1,
    findings: fromJson(r.findings, []),
    strategy: r.strategy as Draft['strategy'],
    provider: str(r.provider),
    model: str(r.model),
    coversMessageIds: fromJson(r.covers, []),
    card: fromJson(r.card, null),
    approvedBy: str(r.approved_by),
    sentMessageIds: fromJson(r.sent_message_ids, []),
    attempts: Number(r.attempts),
    error: str(r.error),
    createdAt: fromMs(r.created_at) as Date,
    updatedAt: fromMs(r.updated_at) as Date,
  };
}

export function documentFromRow(r: Row): KnowledgeDocument {
  return {
    id: String(r.id),
    title: String(r.title),
    scope: r.scope as KnowledgeDocument['scope'],
    itemId: str(r.item_id),
    origin: r.origin as KnowledgeDocument['origin'],
    sourceKey: str(r.source_key),
    mimeType: String(r.mime_type),
    sizeBytes: Number(r.size_bytes),
    sha256: String(r.sha256),
    remoteName: str(r.remote_name),
    state: r.state as KnowledgeDocument['state'],
    error: str(r.error),
    createdAt: fromMs(r.created_at) as Date,
    updatedAt: fromMs(r.updated_at) as Date,
  };
}

export function auditFromRow(r: Row): AuditEntry {
  return {
    id: String(r.id),
    at: fromMs(r.at) as Date,
    actor: String(r.actor),
    action: String(r.action),
    chatId: str(r.chat_id),
    draftId: str(r.draft_id),
    leadId: str(r.lead_id),
    before: str(r.before),
    after: str(r.after),
    details: fromJson(r.details, null),
  };
}

export function listingFromRow(r: Row): Listing {
  return {
    id: String(r.id),
    title: String(r.title),
    price: r.price === null ? null : Number(r.price),
    url: str(r.url),
    status: String(r.status),
    category: str(r.category),
    address: str(r.address),
    syncedAt: fromMs(r.synced_at) as Date,
  };
}
