/**
 * Compact, typed callback data for our own inline keyboards (cards are sent by jobs through `bot.api`,
 * where @grammyjs/menu cannot be used). Every tap's data is parsed with zod; anything else is `null`
 * and answered by the `unhandled` feature. Telegram allows 1–64 bytes.
 */
import { z } from 'zod';

export const CALLBACK_DATA_MAX_BYTES = 64;

const uuidLike = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/);
/** Avito chat ids look like `u2i-PJIlNF6RrM~FO5IBOMS~Vg` or `0:123…`. */
const avitoChatId = z.string().regex(/^[A-Za-z0-9_~.=:-]{1,56}$/);
const itemId = z.string().regex(/^\d{1,20}$/);
const token = z.string().regex(/^[A-Za-z0-9_-]{6,16}$/);
const page = z.coerce.number().int().min(0).max(999);

export const draftActions = ['send', 'edit', 'regen', 'take', 'dismiss', 'reply', 'ai', 'retry'] as const;
export type DraftAction = (typeof draftActions)[number];

export type CallbackData =
  | { kind: 'draft'; action: DraftAction; draftId: string }
  | { kind: 'chat'; action: 'back'; chatId: string }
  | { kind: 'feedback'; verdict: 'bad'; draftId: string }
  | { kind: 'edit'; action: 'ok' | 'no'; draftId: string }
  | { kind: 'pick'; flow: 'upload' | 'ask'; token: string; choice: PickChoice }
  | { kind: 'docs'; action: 'list'; page: number }
  | { kind: 'docs'; action: 'del' | 'rm'; docId: string }
  | { kind: 'docs'; action: 'sync' };

/** A choice in the paginated listing picker. */
export type PickChoice =
  | { type: 'general' }
  | { type: 'item'; itemId: string }
  | { type: 'page'; page: number }
  | { type: 'cancel' };

const schemas = [
  z
    .tuple([z.literal('d'), z.enum(draftActions), uuidLike])
    .transform(([, action, draftId]) => ({ kind: 'draft' as const, action, draftId })),
  z
    .tuple([z.literal('c'), z.literal('back'), avitoChatId])
    .transform(([, action, chatId]) => ({ kind: 'chat' as const, action, chatId })),
  z
    .tuple([z.literal('f'), z.literal('bad'), uuidLike])
    .transform(([, verdict, draftId]) => ({ kind: 'feedback' as const, verdict, draftId })),
  z
    .tuple([z.literal('e'), z.enum(['ok', 'no']), uuidLike])
    .transform(([, action, draftId]) => ({ kind: 'edit' as const, action, draftId })),
  z
    .tuple([z.enum(['u', 'a']), z.literal('g'), token])
    .transform(([f, , t]) => pick(f, t, { type: 'general' })),
  z
    .tuple([z.enum(['u', 'a']), z.literal('i'), token, itemId])
    .transform(([f, , t, id]) => pick(f, t, { type: 'item', itemId: id })),
  z
    .tuple([z.enum(['u', 'a']), z.literal('p'), token, page])
    .transform(([f, , t, p]) => pick(f, t, { type: 'page', page: p })),
  z
    .tuple([z.enum(['u', 'a']), z.literal('x'), token])
    .transform(([f, , t]) => pick(f, t, { type: 'cancel' })),
  z
    .tuple([z.literal('k'), z.literal('list'), page])
    .transform(([, action, p]) => ({ kind: 'docs' as const, action, page: p })),
  z
    .tuple([z.literal('k'), z.enum(['del', 'rm']), uuidLike])
    .transform(([, action, docId]) => ({ kind: 'docs' as const, action, docId })),
  z
    .tuple([z.literal('k'), z.literal('sync')])
    .transform(() => ({ kind: 'docs' as const, action: 'sync' as const })),
];

function pick(flow: 'u' | 'a', t: string, choice: PickChoice): CallbackData {
  return { kind: 'pick', flow: flow === 'u' ? 'upload' : 'ask', token: t, choice };
}

/** Parses callback data; `null` for anything we did not make (old buttons, forged data). */
export function parseCallbackData(data: string | undefined): CallbackData | null {
  if (!data || Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) return null;
  // Chat ids may contain ':'; only the first two separators split.
  const parts = data.split(':');
  const candidates = [parts, [...parts.slice(0, 2), parts.slice(2).join(':')]];
  for (const candidate of candidates) {
    for (const schema of schemas) {
      const parsed = schema.safeParse(candidate);
      if (parsed.success) return parsed.data as CallbackData;
    }
  }
  return null;
}

/** Encodes callback data; throws on data over 64 bytes (a programming error, caught by tests). */
export function encodeCallbackData(data: CallbackData): string {
  const out = encode(data);
  if (Buffer.byteLength(out) > CALLBACK_DATA_MAX_BYTES) {
    throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${out}`);
  }
  return out;
}

/** Whether `data` can be encoded (Avito chat ids are external and could be long). */
export function fitsCallbackData(data: CallbackData): boolean {
  return Buffer.byteLength(encode(data)) <= CALLBACK_DATA_MAX_BYTES;
}

function encode(data: CallbackData): string {
  switch (data.kind) {
    case 'draft':
      return `d:${data.action}:${data.draftId}`;
    case 'chat':
      return `c:${data.action}:${data.chatId}`;
    case 'feedback':
      return `f:${data.verdict}:${data.draftId}`;
    case 'edit':
      return `e:${data.action}:${data.draftId}`;
    case 'pick': {
      const f = data.flow === 'upload' ? 'u' : 'a';
      const c = data.choice;
      if (c.type === 'general') return `${f}:g:${data.token}`;
      if (c.type === 'item') return `${f}:i:${data.token}:${c.itemId}`;
      if (c.type === 'page') return `${f}:p:${data.token}:${c.page}`;
      return `${f}:x:${data.token}`;
    }
    case 'docs':
      if (data.action === 'list') return `k:list:${data.page}`;
      if (data.action === 'sync') return 'k:sync';
      return `k:${data.action}:${data.docId}`;
  }
}

/** Short helpers for the common cases. */
export const cb = {
  draft: (action: DraftAction, draftId: string) => encodeCallbackData({ kind: 'draft', action, draftId }),
  handBack: (chatId: string) => encodeCallbackData({ kind: 'chat', action: 'back', chatId }),
  bad: (draftId: string) => encodeCallbackData({ kind: 'feedback', verdict: 'bad', draftId }),
  edit: (action: 'ok' | 'no', draftId: string) => encodeCallbackData({ kind: 'edit', action, draftId }),
};
