import type { AuditEntry, Chat, Draft, InboxEvent, Message } from '../models/records.js';
import type { DraftPatch, InsertOnce, ProtectedField, Store } from '../store/port.js';
import { DataKeyError, isSealed, isSealedBytes, open, openBytes, seal, sealBytes } from './cipher.js';
import { encryptLeads } from './encrypted-leads.js';
import type { Keyring } from './keys.js';

/**
 * PII at rest, once for both adapters: a decorator around the {@link Store} port that seals the
 * protected fields (see `PROTECTED_FIELDS`) on write and opens them on read.
 *
 * What is sealed and why: the buyer's name, every message text and content, raw webhook payloads (they
 * carry the buyer's text), draft texts (AI answers and the owner's replies quote and address the buyer),
 * the audit trail's before/after copies of those texts, leads' contacts, briefs and lost reasons (see
 * encrypted-leads.ts, which also keeps contacts findable by keyed digests), issued documents' PDFs (they
 * name the buyer), and kv values (Avito access token, amoCRM OAuth tokens, generated webhook secrets,
 * pending edits). Not sealed: ids, states, timestamps (queries filter and sort on them),
 * listings and knowledge documents (the seller's own public material), draft sources/findings (snippets
 * of the seller's documents).
 *
 * Values written before encryption was turned on read as they are; a rotation (`npm run rotate-key`)
 * seals them. Without a current key nothing new is sealed, but sealed values still open with the previous key.
 */
export function encryptStore(inner: Store, keyring: Keyring): Store {
  const sealer = fieldSealer(keyring);
  const { sealText, sealOptional, sealJson, openText, openJson } = sealer;

  const chat = (c: Chat): Chat => ({ ...c, buyerName: openText('chats.buyerName', c.buyerName) });
  const message = (m: Message): Message => ({
    ...m,
    text: openText('messages.text', m.text),
    content: openJson('messages.content', m.content),
  });
  const event = (e: InboxEvent): InboxEvent => ({ ...e, payload: openJson('events.payload', e.payload) });
  const draft = (d: Draft): Draft => ({
    ...d,
    text: openText('drafts.text', d.text),
    originalText: openText('drafts.originalText', d.originalText),
  });
  const entry = (a: AuditEntry): AuditEntry => ({
    ...a,
    before: openText('audit.before', a.before),
    after: openText('audit.after', a.after),
  });
  const maybe =
    <T>(f: (v: T) => T) =>
    (v: T | null): T | null =>
      v === null ? null : f(v);
  const once =
    <T>(f: (v: T) => T) =>
    (r: InsertOnce<T>): InsertOnce<T> =>
      r.inserted ? { inserted: true, record: f(r.record) } : { inserted: false, existing: f(r.existing) };
  const draftPatch = (patch: DraftPatch | undefined): DraftPatch | undefined =>
    patch && {
      ...patch,
      text: sealOptional('drafts.text', patch.text),
      originalText: sealOptional('drafts.originalText', patch.originalText),
    };

  return {
    kind: inner.kind,
    chats: {
      upsert: async (input) =>
        chat(
          await inner.chats.upsert({ ...input, buyerName: sealOptional('chats.buyerName', input.buyerName) }),
        ),
      get: async (id) => maybe(chat)(await inner.chats.get(id)),
      listByState: async (state, limit) => (await inner.chats.listByState(state, limit)).map(chat),
      listPauseExpired: async (now) => (await inner.chats.listPauseExpired(now)).map(chat),
    },
    messages: {
      insertOnce: async (input) =>
        once(message)(
          await inner.messages.insertOnce({
            ...input,
            text: sealOptional('messages.text', input.text),
            content: sealJson('messages.content', input.content),
          }),
        ),
      get: async (id) => maybe(message)(await inner.messages.get(id)),
      lastN: async (chatId, limit) => (await inner.messages.lastN(chatId, limit)).map(message),
    },
    events: {
      insertOnce: async (input) =>
        once(event)(
          await inner.events.insertOnce({
            ...input,
            payload: sealJson('events.payload', input.payload ?? null),
          }),
        ),
      get: async (id) => maybe(event)(await inner.events.get(id)),
      setStatus: async (id, status, error) => maybe(event)(await inner.events.setStatus(id, status, error)),
      markAttempt: async (id) => maybe(event)(await inner.events.markAttempt(id)),
      listByStatus: async (status, limit) => (await inner.events.listByStatus(status, limit)).map(event),
      deleteProcessedBefore: (before) => inner.events.deleteProcessedBefore(before),
    },
    drafts: {
      create: async (input) =>
        draft(
          await inner.drafts.create({
            ...input,
            text: sealText('drafts.text', input.text),
            // Always explicit: the adapter's default copies `text`, whose seal is bound to `drafts.text`.
            originalText: sealText('drafts.originalText', input.originalText ?? input.text),
          }),
        ),
      get: async (id) => maybe(draft)(await inner.drafts.get(id)),
      transition: async (id, from, to, patch) =>
        maybe(draft)(await inner.drafts.transition(id, from, to, draftPatch(patch))),
      update: async (id, patch) => maybe(draft)(await inner.drafts.update(id, draftPatch(patch)!)),
      listByStatus: async (statuses, limit) => (await inner.drafts.listByStatus(statuses, limit)).map(draft),
      listForChat: async (chatId, statuses) => (await inner.drafts.listForChat(chatId, statuses)).map(draft),
    },
    documents: inner.documents,
    leases: inner.leases,
    listings: inner.listings,
    settings: inner.settings,
    audit: {
      append: async (input) =>
        entry(
          await inner.audit.append({
            ...input,
            before: sealOptional('audit.before', input.before),
            after: sealOptional('audit.after', input.after),
          }),
        ),
      query: async (q) => (await inner.audit.query(q)).map(entry),
    },
    kv: {
      get: async <T>(key: string) => openJson<T | null>('kv.value', await inner.kv.get<T>(key)),
      set: (key, value, ttlMs) => inner.kv.set(key, sealJson('kv.value', value ?? null), ttlMs),
      setIfAbsent: (key, value, ttlMs) =>
        inner.kv.setIfAbsent(key, sealJson('kv.value', value ?? null), ttlMs),
      delete: (key) => inner.kv.delete(key),
      keys: (prefix, page) => inner.kv.keys(prefix, page),
    },
    // Counters are numbers, not buyer data.
    sequences: inner.sequences,
    leads: encryptLeads(inner.leads, keyring, sealer),
    // No buyer data: numbers, titles, totals and the order; links are token hashes. The PDFs name the buyer.
    salesDocuments: {
      ...inner.salesDocuments,
      saveFile: (file) => inner.salesDocuments.saveFile({ ...file, pdf: sealer.sealBytes(file.pdf) }),
      getFile: async (kind, number) => {
        const file = await inner.salesDocuments.getFile(kind, number);
        return file && { ...file, pdf: sealer.openBytes(file.pdf) };
      },
    },
    // Ids, times, amounts, statuses and tags: nothing of the buyer's (the brief noted is kept as a digest).
    consultations: inner.consultations,
    payments: inner.payments,
    crmDeals: inner.crmDeals,
    buyerMessages: inner.buyerMessages,
    // Ids and counts only.
    retention: inner.retention,
    // Raw on purpose: maintenance (key rotation) works on stored values, sealed or not.
    maintenance: inner.maintenance,
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}

/** Sealing and opening of protected fields with a keyring: the one place both decorators use. */
export function fieldSealer(keyring: Keyring) {
  const current = keyring.current;
  const sealText = (field: ProtectedField, value: string): string =>
    current ? seal(current, value, field) : value;
  return {
    sealText,
    sealOptional: <T extends string | null | undefined>(field: ProtectedField, value: T): T =>
      (typeof value === 'string' ? sealText(field, value) : value) as T,
    /**
     * JSON fields are stored as a sealed string in place of the value. The adapters keep these fields
     * opaquely (JSON text / Mixed), so the type lie stays inside the decorators.
     */
    sealJson: <T>(field: ProtectedField, value: T): T =>
      (current && value !== null && value !== undefined
        ? seal(current, JSON.stringify(value), field)
        : value) as T,
    openText: <T extends string | null>(field: ProtectedField, value: T): T =>
      (isSealed(value) ? open(keyring, value, field) : value) as T,
    openJson: <T>(field: ProtectedField, value: T): T =>
      (isSealed(value) ? (JSON.parse(open(keyring, value, field)) as unknown) : value) as T,
    /** Issued documents' PDFs: sealed as bytes (see `cipher.ts`), kept as they are without a key. */
    sealBytes: (value: Uint8Array): Uint8Array =>
      current ? sealBytes(current, value, 'documentFiles.pdf') : value,
    openBytes: (value: Uint8Array): Uint8Array =>
      isSealedBytes(value) ? openBytes(keyring, value, 'documentFiles.pdf') : value,
  };
}
export type FieldSealer = ReturnType<typeof fieldSealer>;

/** A kv entry sealed with the current key: lets start-up tell a wrong key before any request needs one. */
export const KEY_CHECK_KV = 'security:data-key-check';

/**
 * {@link encryptStore} plus a start-up check: when the store holds the key-check value sealed with a key
 * that is not configured (or encryption was turned off without decrypting), it throws
 * {@link DataKeyError} naming the key id needed, instead of failing later on the first buyer message.
 */
export async function protectStore(inner: Store, keyring: Keyring): Promise<Store> {
  const store = encryptStore(inner, keyring);
  const raw = await inner.kv.get<unknown>(KEY_CHECK_KV);
  if (isSealed(raw)) {
    await store.kv.get(KEY_CHECK_KV);
  } else if (keyring.current) {
    await store.kv.set(KEY_CHECK_KV, 'avito-responder');
  }
  return store;
}

export { DataKeyError };
