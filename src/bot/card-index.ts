/**
 * Which Avito chat (and draft) a Telegram message belongs to, so a reply to a card reaches the right
 * buyer. The store has no card index, so the notifier writes `card:<tgChatId>:<messageId>` into kv.
 */
import { z } from 'zod';
import type { KvRepository } from '../store/port.js';

const CardTarget = z.object({ avitoChatId: z.string().min(1), draftId: z.string().min(1).nullable() });
export type CardTarget = z.infer<typeof CardTarget>;

const TTL_MS = 60 * 24 * 3600_000;
const key = (tgChatId: number | string, messageId: number) => `card:${tgChatId}:${messageId}`;

/** Remembers what a bot message is about (a card or a notice). */
export async function rememberCard(
  kv: KvRepository,
  tgChatId: number | string,
  messageId: number,
  target: CardTarget,
): Promise<void> {
  await kv.set(key(tgChatId, messageId), target, TTL_MS);
}

/** What a bot message is about, or null for messages that are not cards. */
export async function lookupCard(
  kv: KvRepository,
  tgChatId: number | string,
  messageId: number,
): Promise<CardTarget | null> {
  const parsed = CardTarget.safeParse(await kv.get(key(tgChatId, messageId)));
  return parsed.success ? parsed.data : null;
}

/** Telegram names of owners, so a sent card says who approved it. */
export async function rememberName(kv: KvRepository, userId: number, name: string): Promise<void> {
  await kv.set(`tg:name:${userId}`, name);
}

export async function namesFor(kv: KvRepository, ids: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of ids) {
    const name = await kv.get(`tg:name:${id}`);
    if (typeof name === 'string') out.set(id, name);
  }
  return out;
}
