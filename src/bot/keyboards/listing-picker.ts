/**
 * The paginated "which listing?" keyboard shared by uploads and `/ask`: «общий» first, then the
 * listings from `store.listings.list()`, six per page. A short random token ties taps to a kv entry.
 */
import { randomBytes } from 'node:crypto';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { z } from 'zod';
import type { Listing } from '../../models/records.js';
import type { Store } from '../../store/port.js';
import { answerTap } from '../answer.js';
import { encodeCallbackData, type PickChoice, parseCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { isNotModified } from '../telegram-errors.js';
import { cutText } from '../html.js';
import type { Texts } from '../../texts/index.js';

export const PICKER_PAGE_SIZE = 6;

/** A token for callback data and kv keys (12 url-safe characters). */
export function newToken(): string {
  return randomBytes(9).toString('base64url');
}

/** 12000 → "12 000" with a plain space (locale formatting uses a narrow no-break space). */
function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A listing's button label: title and price. */
export function listingLabel(listing: Listing): string {
  const price = listing.price !== null ? ` · ${groupDigits(listing.price)} ₽` : '';
  return `${cutText(listing.title, 40, '')}${price}`;
}

export function listingPicker(
  flow: 'upload' | 'ask',
  token: string,
  listings: Listing[],
  page: number,
  t: Texts,
): InlineKeyboardMarkup {
  const data = (choice: PickChoice) => encodeCallbackData({ kind: 'pick', flow, token, choice });
  const pages = Math.max(1, Math.ceil(listings.length / PICKER_PAGE_SIZE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const rows: InlineKeyboardButton[][] = [
    [{ text: t.buttons.general, callback_data: data({ type: 'general' }) }],
  ];
  for (const listing of listings.slice(p * PICKER_PAGE_SIZE, (p + 1) * PICKER_PAGE_SIZE)) {
    if (!/^\d{1,20}$/.test(listing.id)) continue;
    rows.push([{ text: listingLabel(listing), callback_data: data({ type: 'item', itemId: listing.id }) }]);
  }
  if (pages > 1) {
    rows.push([
      { text: t.buttons.prev, callback_data: data({ type: 'page', page: Math.max(0, p - 1) }) },
      { text: t.listingsPage(p + 1, pages), callback_data: data({ type: 'page', page: p }) },
      { text: t.buttons.next, callback_data: data({ type: 'page', page: Math.min(pages - 1, p + 1) }) },
    ]);
  }
  rows.push([{ text: t.buttons.cancel, callback_data: data({ type: 'cancel' }) }]);
  return { inline_keyboard: rows };
}

/** A claimed pick: what the owner chose for the pending entry, and the message the picker is on. */
export interface Picked<T> {
  pending: T;
  choice: Exclude<PickChoice, { type: 'page' }>;
  message: { chatId: number; messageId: number };
}

/**
 * The common part of a picker tap: reads the pending entry (`kvKey`) with `schema`, answers expired taps,
 * turns pages, and claims the entry (whoever deletes it first wins, so a double tap acts once).
 * Returns null when the tap was fully handled here.
 */
export async function claimPick<T>(
  ctx: BotContext,
  store: Store,
  flow: 'upload' | 'ask',
  kvKey: (token: string) => string,
  schema: z.ZodType<T>,
): Promise<Picked<T> | null | 'not-mine'> {
  const data = parseCallbackData(ctx.callbackQuery?.data ?? '');
  if (data?.kind !== 'pick' || data.flow !== flow) return 'not-mine';
  const { t, log } = ctx;
  const key = kvKey(data.token);
  const pending = schema.safeParse(await store.kv.get(key));
  const message = ctx.callbackQuery?.message;
  if (!pending.success || !message) {
    await answerTap(ctx, t.upload.expired, log);
    return null;
  }
  const choice = data.choice;
  if (choice.type === 'page') {
    await answerTap(ctx, undefined, log);
    const markup = listingPicker(flow, data.token, await store.listings.list(), choice.page, t);
    await ctx.editMessageReplyMarkup({ reply_markup: markup }).catch((error: unknown) => {
      if (!isNotModified(error)) throw error;
    });
    return null;
  }
  if (!(await store.kv.delete(key))) {
    await answerTap(ctx, t.toast.stale, log);
    return null;
  }
  return {
    pending: pending.data,
    choice,
    message: { chatId: message.chat.id, messageId: message.message_id },
  };
}
