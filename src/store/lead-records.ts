import { randomUUID } from 'node:crypto';
import {
  type AuditEntry,
  CLOSED_LEAD_STAGES,
  type Lead,
  LEAD_CHANNELS,
  LEAD_STAGES,
  type LeadChannel,
  type LeadConversation,
  type LeadStage,
} from '../models/records.js';
import type { LeadAuditInput, LeadInput, LeadPatch } from './port.js';
import { newAuditEntry } from './records.js';
import { checkDate, checkId, StoreValidationError } from './validate.js';

/**
 * Building and changing lead records, shared by both adapters so they cannot drift apart: defaults,
 * validation, what a stage change does to the other fields, the audit entries of a write, page cursors.
 */

export function checkLeadStage(value: unknown): LeadStage {
  if (!LEAD_STAGES.includes(value as LeadStage)) {
    throw new StoreValidationError(
      'lead stage',
      `expected one of ${LEAD_STAGES.join(', ')}, got ${String(value)}`,
    );
  }
  return value as LeadStage;
}

export function checkLeadChannel(value: unknown): LeadChannel {
  if (!LEAD_CHANNELS.includes(value as LeadChannel)) {
    throw new StoreValidationError(
      'lead channel',
      `expected one of ${LEAD_CHANNELS.join(', ')}, got ${String(value)}`,
    );
  }
  return value as LeadChannel;
}

export const isClosedStage = (stage: LeadStage): boolean => CLOSED_LEAD_STAGES.includes(stage);

/** `avito:u2i-1`: how a conversation is claimed by an open lead. */
export const conversationKey = (c: LeadConversation): string =>
  `${checkLeadChannel(c.channel)}:${checkId('lead conversation id', c.conversationId)}`;

function checkAmount(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StoreValidationError(field, `expected a whole number of kopecks ≥ 0, got ${String(value)}`);
  }
  return value;
}

function checkPatch(patch: LeadPatch): void {
  if (patch.amounts) {
    for (const [k, v] of Object.entries(patch.amounts)) checkAmount(`lead amounts.${k}`, v);
  }
  for (const c of patch.conversations ?? []) conversationKey(c);
  for (const d of patch.documents ?? []) {
    if (!['offer', 'contract', 'invoice'].includes(d.kind))
      throw new StoreValidationError('lead document kind', `unknown kind ${String(d.kind)}`);
    checkAmount('lead document total', d.total);
    checkDate('lead document issuedAt', d.issuedAt);
    if (d.sentAt) checkDate('lead document sentAt', d.sentAt);
    if (d.downloads !== undefined && (!Number.isInteger(d.downloads) || d.downloads < 0))
      throw new StoreValidationError('lead document downloads', 'expected a whole number ≥ 0');
  }
  if (patch.listing) checkId('lead listing itemId', patch.listing.itemId);
}

/** A lead as first stored: `new`, version 1, holding its conversation. */
export function newLead(input: LeadInput, now: Date): Lead {
  const conversation = { channel: input.channel, conversationId: input.conversationId };
  conversationKey(conversation);
  const patch: LeadPatch = { amounts: input.amounts, listing: input.listing ?? undefined };
  checkPatch(patch);
  return {
    id: randomUUID(),
    channel: input.channel,
    conversationId: input.conversationId,
    conversations: [conversation],
    listing: input.listing ?? null,
    contact: input.contact ?? { name: null, phone: null, email: null },
    brief: input.brief ?? {},
    stage: 'new',
    lostReason: null,
    lostFrom: null,
    tags: [...(input.tags ?? [])],
    amounts: { quoted: null, invoiced: null, paid: null, ...input.amounts },
    documents: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
    stageChangedAt: now,
    closedAt: null,
  };
}

/** The lead fields a {@link LeadPatch} may replace. */
export const LEAD_PATCH_FIELDS = [
  'conversations',
  'listing',
  'contact',
  'brief',
  'tags',
  'amounts',
  'documents',
] as const satisfies ReadonlyArray<keyof LeadPatch>;

/** A page size of `listByStage`: 1 to 100, 20 when not given. */
export function checkPageLimit(limit: number | undefined): number {
  const n = limit ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new StoreValidationError('limit', `expected an integer from 1 to 100, got ${String(limit)}`);
  return n;
}

/** `lead` with `patch` applied (undefined fields left), one version later. */
export function patchedLead(lead: Lead, patch: LeadPatch, now: Date): Lead {
  checkPatch(patch);
  const next: Lead = { ...lead, version: lead.version + 1, updatedAt: now };
  for (const key of LEAD_PATCH_FIELDS) {
    if (patch[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = patch[key];
  }
  return next;
}

/** `lead` moved to `to`: `lost` keeps its reason and the stage it left; closing stamps `closedAt`. */
export function movedLead(lead: Lead, to: LeadStage, lostReason: string | undefined, now: Date): Lead {
  checkLeadStage(to);
  if (to === 'lost' && (typeof lostReason !== 'string' || lostReason.trim() === '')) {
    throw new StoreValidationError('lead lostReason', 'a lost lead needs the reason it was lost');
  }
  return {
    ...lead,
    stage: to,
    lostReason: to === 'lost' ? lostReason! : null,
    lostFrom: to === 'lost' ? lead.stage : null,
    version: lead.version + 1,
    updatedAt: now,
    stageChangedAt: now,
    closedAt: isClosedStage(to) ? (isClosedStage(lead.stage) ? lead.closedAt : now) : null,
  };
}

/** The audit entries of one lead write, all at the write's time. */
export function leadAuditEntries(leadId: string, audit: readonly LeadAuditInput[], now: Date): AuditEntry[] {
  return audit.map((a) => newAuditEntry({ ...a, leadId, at: now }, now));
}

/** Page cursors: opaque to callers, `[createdAt ms, id]` inside. */
export function encodeLeadCursor(lead: Pick<Lead, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([lead.createdAt.getTime(), lead.id])).toString('base64url');
}

export function decodeLeadCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isSafeInteger(parsed[0]) &&
      typeof parsed[1] === 'string'
    ) {
      return { createdAt: parsed[0] as number, id: parsed[1] as string };
    }
  } catch {
    // Reported below with the same message as a well-formed but wrong cursor.
  }
  throw new StoreValidationError('lead page cursor', 'not a cursor this store returned');
}

/**
 * Dates inside JSON columns come back as ISO strings: the brief's `at` and the documents' `issuedAt`
 * become Dates again. A sealed brief (a string) passes through for the decorator to open.
 */
export function reviveBrief<T>(brief: T): T {
  if (brief === null || typeof brief !== 'object') return brief;
  return Object.fromEntries(
    Object.entries(brief as Record<string, { at: unknown }>).map(([k, e]) => [
      k,
      { ...e, at: e.at instanceof Date ? e.at : new Date(String(e.at)) },
    ]),
  ) as T;
}

export function reviveDocuments(documents: Lead['documents']): Lead['documents'] {
  return documents.map((d) => ({
    ...d,
    issuedAt: d.issuedAt instanceof Date ? d.issuedAt : new Date(String(d.issuedAt)),
    ...(d.sentAt ? { sentAt: d.sentAt instanceof Date ? d.sentAt : new Date(String(d.sentAt)) } : {}),
  }));
}
