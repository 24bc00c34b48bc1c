import { type Listing, priceString, type WebhookDelivery } from '../avito/index.js';
import { buttonsOf } from '../telegram/actors.js';
import type { InlineButton, InlineKeyboardMarkup, TgMessage } from '../telegram/index.js';

/** An Avito chat as `show` prints it (taken from the simulator's `/__sim/state`). */
export interface AvitoChatView {
  id: string;
  type: string;
  itemId: number | null;
  buyer: { id: number; name: string };
  messages: AvitoMessageView[];
}

/** One Avito message as `show` prints it. */
export interface AvitoMessageView {
  id: string;
  type: string;
  content: { text?: string | undefined };
  /** buyer / api (our service) / app (the seller) / system (Avito). */
  origin: string;
}

/** The env lines, in the order `.env.example` lists them. */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/**
 * Sets `vars` in the text of an env file: existing `KEY=` lines are replaced in place, the others are
 * appended, every other line (comments, other settings) is kept.
 */
export function mergeEnvFile(existing: string, vars: Record<string, string>): string {
  const pending = new Map(Object.entries(vars));
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const merged = lines.map((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${value}`;
  });
  for (const [key, value] of pending) merged.push(`${key}=${value}`);
  return `${merged.join('\n')}\n`;
}

/** `listings`: id, title, price, status and link of each listing. */
export function formatListings(listings: readonly Listing[]): string {
  if (listings.length === 0) return 'No listings.';
  return listings
    .map((l) => `  item:${l.id}  ${l.title} — ${priceString(l.price)} (${l.status})\n    ${l.url}`)
    .join('\n');
}

/** One line per webhook delivery, saying plainly when nothing was sent. */
export function formatDeliveries(deliveries: readonly WebhookDelivery[]): string {
  if (deliveries.length === 0) {
    return 'webhook: not delivered — no webhook subscribed (the service subscribes its URL when it starts)';
  }
  return deliveries
    .map((d) => {
      const last = d.attempts.at(-1);
      const outcome = last ? (last.status !== undefined ? `HTTP ${last.status}` : (last.error ?? '?')) : '';
      switch (d.state) {
        case 'delivered':
          return `webhook: delivered to ${d.url} (${outcome})`;
        case 'failed':
          return `webhook: FAILED to ${d.url} after ${d.attempts.length} attempt(s), last: ${outcome}`;
        case 'suppressed':
          return `webhook: not sent to ${d.url} (no Messenger tariff)`;
        case 'held':
          return `webhook: held back for ${d.url}`;
        case 'sending':
          return `webhook: still sending to ${d.url}`;
      }
      return `webhook: ${d.state}`;
    })
    .join('\n');
}

/** Indents every line after the first, so multi-line texts stay under their label. */
function hang(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}

function isInlineKeyboard(markup: unknown): markup is InlineKeyboardMarkup {
  return typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup;
}

function formatButton(button: InlineButton): string {
  return button.url !== undefined ? `[${button.text} ↗]` : `[${button.text}]`;
}

/** A Telegram message: who, id, text (or document), reply link, edit mark and inline buttons by row. */
export function formatTelegramMessage(message: TgMessage, botId: number, indent = '  '): string {
  const who = message.from?.id === botId ? 'bot' : (message.from?.first_name ?? 'user').toLowerCase();
  const marks = [
    message.reply_to_message ? `↩ #${message.reply_to_message.message_id}` : '',
    message.edit_date !== undefined ? '(edited)' : '',
  ].filter(Boolean);
  const body =
    message.text ??
    [message.document ? `[file ${message.document.file_name ?? 'document'}]` : '', message.caption ?? '']
      .filter(Boolean)
      .join(' ');
  const head = `${indent}#${message.message_id} ${who}${marks.length ? ` ${marks.join(' ')}` : ''}: `;
  const lines = [`${head}${hang(body, ' '.repeat(head.length))}`];
  if (isInlineKeyboard(message.reply_markup)) {
    for (const row of message.reply_markup.inline_keyboard) {
      lines.push(`${indent}    ${row.map(formatButton).join(' ')}`);
    }
  }
  return lines.join('\n');
}

/** The owner's private chat with the bot: the last `limit` messages, oldest first. */
export function formatOwnerChat(
  messages: readonly TgMessage[],
  botId: number,
  ownerId: number,
  limit = 10,
): string {
  const shown = messages.slice(-limit);
  const header = `Telegram — owner ${ownerId} with the bot (${messages.length} message(s)${
    messages.length > shown.length ? `, last ${shown.length} shown` : ''
  }):`;
  if (shown.length === 0) return `${header}\n  (empty — try "owner /start")`;
  return [header, ...shown.map((m) => formatTelegramMessage(m, botId))].join('\n');
}

/** Who wrote an Avito message, from the owner's point of view. */
export function avitoAuthor(message: AvitoMessageView, chat: AvitoChatView): string {
  switch (message.origin) {
    case 'buyer':
      return `buyer ${chat.buyer.name}`;
    case 'api':
      return 'service (API)';
    case 'app':
      return 'seller (app)';
    case 'system':
      return 'Avito (system)';
    default:
      return message.origin;
  }
}

function avitoBody(message: AvitoMessageView): string {
  const text = message.content.text ?? '';
  if (message.type === 'text') return text;
  return text ? `[${message.type}] ${text}` : `[${message.type}]`;
}

/** A one-line title of a chat: its number, id, listing and buyer. */
export function chatTitle(chat: AvitoChatView, index: number, listings: readonly Listing[]): string {
  const listing = listings.find((l) => l.id === chat.itemId);
  const about = listing ? listing.title : chat.itemId === null ? 'no listing' : `item ${chat.itemId}`;
  return `[${index}] ${chat.id} · ${about} · buyer ${chat.buyer.name}`;
}

/** Every Avito chat with all its messages, and where webhooks go. */
export function formatAvitoChats(
  chats: readonly AvitoChatView[],
  listings: readonly Listing[],
  subscriptions: readonly string[],
): string {
  const lines = [
    `Avito — ${chats.length} chat(s); webhook ${subscriptions.length ? `→ ${subscriptions.join(', ')}` : 'not subscribed'}:`,
  ];
  chats.forEach((chat, i) => {
    lines.push(`  ${chatTitle(chat, i + 1, listings)}`);
    for (const m of chat.messages) {
      const head = `    ${avitoAuthor(m, chat)}: `;
      lines.push(`${head}${hang(avitoBody(m), ' '.repeat(head.length))}`);
    }
  });
  if (chats.length === 0) lines.push('  (no chats — try "buyer new Здравствуйте!")');
  return lines.join('\n');
}

/** The buttons of a message, for "no such button" hints. */
export function buttonTexts(message: TgMessage | undefined): string[] {
  return message ? buttonsOf(message.reply_markup).map((b) => b.text) : [];
}
