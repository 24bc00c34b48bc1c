/**
 * Callback data of the sales screens (`/leads`, the lead card, documents, `/quote`), parsed with zod like
 * `callback-data.ts`; anything else is `null` and left to the other features. Telegram allows 1–64 bytes.
 */
import { z } from 'zod';
import { LEAD_STAGES, type LeadStage } from '../models/records.js';
import { CALLBACK_DATA_MAX_BYTES } from './callback-data.js';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const small = z.coerce.number().int().min(0).max(999);
const stage = z.enum(LEAD_STAGES);
const docKind = z.enum(['offer', 'contract', 'invoice']);
/** Unix minutes of a slot's start: 8 digits until the year 2160. */
const minute = z.coerce.number().int().min(1).max(99_999_999);
const kopecks = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const bookingActions = { o: 'offer', m: 'move', a: 'ask' } as const;
const paymentActions = { l: 'link', a: 'ask', s: 'some' } as const;

export type SalesCallback =
  /** The stage summary of `/leads`. */
  | { kind: 'stages' }
  /** A page of a stage's leads. */
  | { kind: 'page'; stage: LeadStage; page: number }
  /** Show the lead's card (a new message), or refresh it in place. */
  | { kind: 'open'; leadId: string }
  | { kind: 'refresh'; leadId: string }
  | { kind: 'move'; stage: LeadStage; leadId: string }
  | { kind: 'lost'; leadId: string }
  | { kind: 'reopen'; leadId: string }
  /** ✏️ brief: the field picker, then one field. */
  | { kind: 'brief'; leadId: string }
  | { kind: 'field'; index: number; leadId: string }
  | { kind: 'document'; doc: 'offer' | 'contract' | 'invoice'; leadId: string }
  /** On a prepared PDF: ✅ send, 🔄 render again, ✖️ drop. */
  | { kind: 'pdf'; action: 'send' | 'regen' | 'cancel'; documentId: string }
  /** A choice inside a sales conversation (lost reason, brief field, /quote menus): `n` is the index. */
  | { kind: 'pick'; flow: string; n: number }
  /**
   * 📅 on the lead card: offer slots to the buyer, list slots to move the booking to, move it to the slot
   * starting at `minute` (Unix minutes), ask to cancel, cancel the booking that starts at `minute`.
   */
  | { kind: 'booking'; action: 'offer' | 'move' | 'ask'; leadId: string }
  | { kind: 'booking'; action: 'to' | 'cancel'; minute: number; leadId: string }
  /**
   * 💳 on the lead card, for the lead's document number `doc` (an invoice): send the payment link, ask to
   * refund, ask for another amount to refund, refund `kopecks` (what the confirmation showed).
   */
  | { kind: 'payment'; action: 'link' | 'ask' | 'some'; doc: number; leadId: string }
  | { kind: 'payment'; action: 'refund'; doc: number; kopecks: number; leadId: string };

const schemas = [
  z.tuple([z.literal('l'), z.literal('s')]).transform(() => ({ kind: 'stages' as const })),
  z
    .tuple([z.literal('l'), z.literal('p'), stage, small])
    .transform(([, , s, page]) => ({ kind: 'page' as const, stage: s, page })),
  z.tuple([z.literal('l'), z.enum(['o', 'h', 'x', 'r', 'b']), id]).transform(([, a, leadId]) => {
    const kinds = { o: 'open', h: 'refresh', x: 'lost', r: 'reopen', b: 'brief' } as const;
    return { kind: kinds[a], leadId };
  }),
  z
    .tuple([z.literal('l'), z.literal('m'), stage, id])
    .transform(([, , s, leadId]) => ({ kind: 'move' as const, stage: s, leadId })),
  z
    .tuple([z.literal('l'), z.literal('f'), small, id])
    .transform(([, , index, leadId]) => ({ kind: 'field' as const, index, leadId })),
  z
    .tuple([z.literal('l'), z.literal('d'), docKind, id])
    .transform(([, , doc, leadId]) => ({ kind: 'document' as const, doc, leadId })),
  z
    .tuple([z.literal('g'), z.enum(['send', 'regen', 'cancel']), id])
    .transform(([, action, documentId]) => ({ kind: 'pdf' as const, action, documentId })),
  z
    .tuple([z.literal('y'), z.string().regex(/^[a-z]{1,8}$/), small])
    .transform(([, flow, n]) => ({ kind: 'pick' as const, flow, n })),
  z
    .tuple([z.literal('b'), z.enum(['o', 'm', 'a']), id])
    .transform(([, a, leadId]) => ({ kind: 'booking' as const, action: bookingActions[a], leadId })),
  z.tuple([z.literal('b'), z.enum(['t', 'c']), minute, id]).transform(([, a, m, leadId]) => ({
    kind: 'booking' as const,
    action: a === 't' ? ('to' as const) : ('cancel' as const),
    minute: m,
    leadId,
  })),
  z.tuple([z.literal('p'), z.enum(['l', 'a', 's']), small, id]).transform(([, a, doc, leadId]) => ({
    kind: 'payment' as const,
    action: paymentActions[a],
    doc,
    leadId,
  })),
  z.tuple([z.literal('p'), z.literal('r'), small, kopecks, id]).transform(([, , doc, k, leadId]) => ({
    kind: 'payment' as const,
    action: 'refund' as const,
    doc,
    kopecks: k,
    leadId,
  })),
];

export function parseSalesCallback(data: string | undefined): SalesCallback | null {
  if (!data || Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) return null;
  const parts = data.split(':');
  for (const schema of schemas) {
    const parsed = schema.safeParse(parts);
    if (parsed.success) return parsed.data as SalesCallback;
  }
  return null;
}

function encode(data: SalesCallback): string {
  switch (data.kind) {
    case 'stages':
      return 'l:s';
    case 'page':
      return `l:p:${data.stage}:${data.page}`;
    case 'open':
      return `l:o:${data.leadId}`;
    case 'refresh':
      return `l:h:${data.leadId}`;
    case 'lost':
      return `l:x:${data.leadId}`;
    case 'reopen':
      return `l:r:${data.leadId}`;
    case 'brief':
      return `l:b:${data.leadId}`;
    case 'move':
      return `l:m:${data.stage}:${data.leadId}`;
    case 'field':
      return `l:f:${data.index}:${data.leadId}`;
    case 'document':
      return `l:d:${data.doc}:${data.leadId}`;
    case 'pdf':
      return `g:${data.action}:${data.documentId}`;
    case 'pick':
      return `y:${data.flow}:${data.n}`;
    case 'booking': {
      if (data.action === 'to' || data.action === 'cancel')
        return `b:${data.action === 'to' ? 't' : 'c'}:${data.minute}:${data.leadId}`;
      const code = { offer: 'o', move: 'm', ask: 'a' } as const;
      return `b:${code[data.action]}:${data.leadId}`;
    }
    case 'payment':
      if (data.action === 'refund') return `p:r:${data.doc}:${data.kopecks}:${data.leadId}`;
      return `p:${{ link: 'l', ask: 'a', some: 's' }[data.action]}:${data.doc}:${data.leadId}`;
  }
}

/** Encodes sales callback data; throws over 64 bytes (a programming error, caught by tests). */
export function salesCallback(data: SalesCallback): string {
  const out = encode(data);
  if (Buffer.byteLength(out) > CALLBACK_DATA_MAX_BYTES)
    throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${out}`);
  return out;
}
