/**
 * The paginated "which listing?" keyboard shared by uploads and `/ask`: «общий» first, then the
 * listings from `store.listings.list()`, six per page. A short random token ties taps to a kv entry.
 */
import { randomBytes } from 'node:crypto';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Listing } from '../../models/records.js';
import { encodeCallbackData, type PickChoice } from '../callback-data.js';
import { cutText } from '../html.js';
import type { Texts } from '../texts.js';

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
