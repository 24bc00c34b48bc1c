import { randomUUID } from 'node:crypto';
import type {
  AuditEntry,
  Chat,
  ChunkEmbedding,
  Draft,
  InboxEvent,
  KnowledgeDocument,
  Message,
} from '../models/records.js';
import type { AuditInput, ChatUpsert, DocumentInput, DraftInput, EventInput, MessageInput } from './port.js';
import { checkDate, checkId, checkKey, StoreValidationError } from './validate.js';

/**
 * Building full records from inputs, shared by both adapters so they cannot drift apart:
 * defaults, validation of ids and enums, timestamps.
 */

const DRAFT_STATUSES = [
  'pending',
  'approved',
  'sending',
  'sent',
  'dismissed',
  'superseded',
  'failed',
] as const;

export function checkDraftStatus(value: unknown): Draft['status'] {
  if (!DRAFT_STATUSES.includes(value as Draft['status'])) {
    throw new StoreValidationError(
      'draft status',
      `expected one of ${DRAFT_STATUSES.join(', ')}, got ${String(value)}`,
    );
  }
  return value as Draft['status'];
}

export function newChat(input: ChatUpsert, now: Date): Chat {
  checkId('chat id', input.id);
  return {
    id: input.id,
    itemId: input.itemId ?? null,
    buyerId: input.buyerId ?? null,
    buyerName: input.buyerName ?? null,
    listing: input.listing ?? null,
    state: input.state ?? 'ai',
    humanUntil: input.humanUntil ?? null,
    mode: input.mode ?? null,
    lastInboundAt: input.lastInboundAt ?? null,
    lastOutboundAt: input.lastOutboundAt ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

/** `existing` with every field of `input` that is not `undefined`. */
export function mergeChat(existing: Chat, input: ChatUpsert, now: Date): Chat {
  const merged: Chat = { ...existing, updatedAt: now };
  for (const [key, value] of Object.entries(input) as [keyof Chat, unknown][]) {
    if (value !== undefined && key !== 'id') (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** The message as stored, `seq` being the arrival number the adapter assigned. */
export function newMessage(input: MessageInput, seq: number): Message {
  checkId('message id', input.id);
  checkId('chat id', input.chatId);
  checkDate('message createdAt', input.createdAt);
  return {
    id: input.id,
    chatId: input.chatId,
    direction: input.direction,
    author: input.author,
    type: input.type,
    text: input.text ?? null,
    content: input.content ?? null,
    draftId: input.draftId ?? null,
    createdAt: input.createdAt,
    seq,
  };
}

/** A webhook event as first stored: pending, never attempted. */
export function newEvent(input: EventInput, now: Date): InboxEvent {
  return {
    id: checkId('event id', input.id),
    messageId: input.messageId === null ? null : checkId('event messageId', input.messageId),
    payload: input.payload ?? null,
    status: 'pending',
    attempts: 0,
    error: null,
    receivedAt: input.receivedAt ?? now,
    processedAt: null,
  };
}

export function newDraft(input: DraftInput, now: Date): Draft {
  checkId('chat id', input.chatId);
  const status = checkDraftStatus(input.status ?? 'pending');
  return {
    id: randomUUID(),
    chatId: input.chatId,
    kind: input.kind,
    status,
    text: input.text,
    originalText: input.originalText ?? input.text,
    sources: input.sources ?? [],
    grounded: input.grounded ?? false,
    findings: input.findings ?? [],
    strategy: input.strategy ?? 'none',
    provider: input.provider ?? null,
    model: input.model ?? null,
    coversMessageIds: input.coversMessageIds ?? [],
    card: input.card ?? null,
    approvedBy: input.approvedBy ?? null,
    sentMessageIds: input.sentMessageIds ?? [],
    attempts: input.attempts ?? 0,
    error: input.error ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

export function newDocument(input: DocumentInput, now: Date, createdAt = now): KnowledgeDocument {
  const id = input.id ?? randomUUID();
  checkId('document id', id);
  if (input.scope === 'item' && !input.itemId) {
    throw new StoreValidationError('document itemId', 'an item-scoped document needs the listing id');
  }
  if (input.itemId) checkId('document itemId', input.itemId);
  if (input.sourceKey !== null) checkKey('document sourceKey', input.sourceKey);
  return {
    id,
    title: input.title,
    scope: input.scope,
    itemId: input.itemId ?? null,
    origin: input.origin,
    sourceKey: input.sourceKey ?? null,
    mimeType: input.mimeType,
    sizeBytes: input.sizeBytes,
    sha256: input.sha256,
    remoteName: input.remoteName ?? null,
    state: input.state,
    error: input.error ?? null,
    createdAt,
    updatedAt: now,
  };
}

export function newAuditEntry(input: AuditInput, now: Date): AuditEntry {
  checkKey('audit actor', input.actor);
  checkKey('audit action', input.action);
  return {
    id: randomUUID(),
    at: input.at ?? now,
    actor: input.actor,
    action: input.action,
    chatId: input.chatId ?? null,
    draftId: input.draftId ?? null,
    leadId: input.leadId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    details: input.details ?? null,
  };
}

/** Checks a chunk vector before it is stored: a real chunk key, a model name, a hash and finite numbers. */
export function checkEmbedding(row: ChunkEmbedding): ChunkEmbedding {
  checkId('embedding docId', row.docId);
  if (!Number.isInteger(row.index) || row.index < 0) {
    throw new StoreValidationError('embedding index', `expected an integer >= 0, got ${String(row.index)}`);
  }
  checkKey('embedding model', row.model);
  if (!/^[0-9a-f]{64}$/.test(row.textHash)) {
    throw new StoreValidationError('embedding textHash', 'expected a sha256 in hex');
  }
  if (
    !(row.vector instanceof Float32Array) ||
    row.vector.length === 0 ||
    !row.vector.every(Number.isFinite)
  ) {
    throw new StoreValidationError('embedding vector', 'expected a non-empty Float32Array of finite numbers');
  }
  return row;
}

/** A vector as stored bytes (little-endian float32, as the platform lays it out). */
export function vectorBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Stored bytes back into a vector (copied: the bytes need not be 4-aligned). */
export function vectorFromBytes(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}
