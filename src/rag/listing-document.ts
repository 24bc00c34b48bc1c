import type { Listing } from '../models/records.js';

/** A price in rubles as listings show it: «32 900 ₽». */
export const formatRub = (price: number) =>
  `${new Intl.NumberFormat('ru-RU').format(price).replace(/\s/g, ' ')} ₽`;

const STATUS_RU: Record<string, string> = {
  active: 'активно',
  old: 'снято с публикации',
  blocked: 'заблокировано',
  rejected: 'отклонено',
  removed: 'удалено',
};

/** The labelled lines of a listing's item document, in the order they are written. */
export const LISTING_FIELDS = {
  title: 'Объявление',
  price: 'Цена',
  url: 'Ссылка',
  category: 'Категория',
  status: 'Статус объявления',
  address: 'Адрес',
} as const;

export type ListingField = keyof typeof LISTING_FIELDS;

/**
 * The text of a listing's item document: the facts the listings sync knows (title, price, link,
 * category, status, address) as labelled Russian lines, so retrieval and the guard can cite them.
 */
export function listingDocumentText(listing: Listing): string {
  const line = (field: ListingField, value: string) => `${LISTING_FIELDS[field]}: ${value}`;
  const lines = [
    line('title', listing.title),
    line('price', listing.price === null ? 'не указана (договорная)' : formatRub(listing.price)),
  ];
  if (listing.url) lines.push(line('url', listing.url));
  if (listing.category) lines.push(line('category', listing.category));
  lines.push(line('status', STATUS_RU[listing.status] ?? listing.status));
  if (listing.address) lines.push(line('address', listing.address));
  return `${lines.join('\n')}\n`;
}

const FIELD_BY_LABEL = new Map<string, ListingField>(
  Object.entries(LISTING_FIELDS).map(([field, label]) => [label, field as ListingField]),
);

/** The fields of (a chunk of) a listing's item document, read back from its labelled lines. */
export function readListingDocument(text: string): Partial<Record<ListingField, string>> {
  const fields: Partial<Record<ListingField, string>> = {};
  for (const m of text.matchAll(/^([^:\n]+):[ \t]*(.+)$/gm)) {
    const field = FIELD_BY_LABEL.get(m[1]!.trim());
    if (field && m[2]!.trim()) fields[field] = m[2]!.trim();
  }
  return fields;
}

/** Title of a listing's item document as the owner sees it in /docs. */
export function listingDocumentTitle(listing: Listing): string {
  return `Объявление: ${listing.title}`;
}
