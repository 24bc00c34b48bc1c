import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataKey, type Keyring } from '../../src/security/keys.js';
import type { Store } from '../../src/store/port.js';

/** Fresh random keys in the two accepted spellings. */
export const hexKey = () => randomBytes(32).toString('hex');
export const base64Key = () => randomBytes(32).toString('base64');

export const ring = (current?: string, previous?: string): Keyring => ({
  current: current ? dataKey(current) : undefined,
  previous: previous ? dataKey(previous) : undefined,
});

/** Buyer words that must never be readable in the database file. */
export const PII = {
  name: 'Анна Секретова',
  text: 'Мой телефон +7 999 123-45-67, адрес Тверская 1',
  content: 'locationmarker-55.7558',
  payload: 'payloadmarker-Тверская',
  draft: 'Анна, доставим на Тверскую завтра',
  original: 'originalmarker-первая-версия',
  audit: 'auditmarker-было-стало',
  kv: 'kvmarker-avito-token-value',
  leadName: 'Лидия Контактова',
  leadPhone: '+79165550123',
  leadEmail: 'lidia.marker@почта.рф',
  brief: 'briefmarker-Тверская-7',
  lost: 'lostmarker-передумала',
  pdf: 'pdfmarker-Счёт-для-Лидии',
} as const;

/** Writes one of each protected field through `store`. */
export async function writePii(store: Store, suffix = ''): Promise<void> {
  await store.chats.upsert({ id: `u2i-pii${suffix}`, buyerName: PII.name });
  await store.messages.insertOnce({
    id: `m-pii${suffix}`,
    chatId: `u2i-pii${suffix}`,
    direction: 'in',
    author: 'buyer',
    type: 'location',
    text: PII.text,
    content: { location: { title: PII.content } },
    createdAt: new Date(1_700_000_000_000),
  });
  await store.events.insertOnce({
    id: `e-pii${suffix}`,
    messageId: `m-pii${suffix}`,
    payload: { value: { content: { text: PII.payload } } },
  });
  const draft = await store.drafts.create({
    chatId: `u2i-pii${suffix}`,
    kind: 'answer',
    text: PII.original,
  });
  await store.drafts.transition(draft.id, ['pending'], 'approved', { text: PII.draft });
  await store.audit.append({ actor: 'system', action: 'draft.sent', before: PII.audit, after: PII.draft });
  await store.kv.set(`kv-pii${suffix}`, { token: PII.kv });
  await store.salesDocuments.saveFile({
    kind: 'invoice',
    number: `СЧ-pii${suffix}`,
    pdf: new Uint8Array(Buffer.from(`%PDF-1.7\n(${PII.pdf})\n%%EOF`, 'utf8')),
    createdAt: new Date(1_700_000_000_000),
  });
  const lead = {
    channel: 'avito' as const,
    conversationId: `u2i-pii${suffix}`,
    contact: { name: PII.leadName, phone: PII.leadPhone, email: PII.leadEmail },
    brief: {
      address: {
        value: PII.brief,
        source: { kind: 'message' as const, messageId: `m-pii${suffix}` },
        quote: PII.brief,
        at: new Date(1_700_000_000_000),
      },
    },
  };
  // One lead lost (its reason is PII too), and the buyer's next one, open: found by phone and e-mail.
  const lost = await store.leads.create(lead, [{ actor: 'system', action: 'lead.created' }]);
  if (lost.inserted)
    await store.leads.transition(lost.record.id, ['new'], 'lost', { lostReason: PII.lost, audit: [] });
  await store.leads.create(lead, [{ actor: 'system', action: 'lead.created' }]);
}

/** Every byte SQLite wrote for `path` (main file, WAL, journal). */
export function sqliteBytes(path: string): Buffer {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  return Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith(base))
      .map((f) => readFileSync(join(dir, f))),
  );
}

/** The PII markers present in `bytes` as UTF-8. */
export function plaintextIn(bytes: Buffer): string[] {
  return Object.values(PII).filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
}
