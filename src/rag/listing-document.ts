import type { Listing } from '../models/records.js';

const formatRub = (price: number) => `${new Intl.NumberFormat('ru-RU').format(price).replace(/\s/g, ' ')} ₽`;

const STATUS_RU: Record<string, string> = {
  active: 'активно',
  old: 'снято с публикации',
  blocked: 'заблокировано',
  rejected: 'отклонено',
  removed: 'удалено',
};

/**
 * The text of a listing's item document: the facts the listings sync knows (title, price, link,
 * category, status, address) as labelled Russian lines, so retrieval and the guard can cite them.
 */
export function listingDocumentText(listing: Listing): string {
  const lines = [
    `Объявление: ${listing.title}`,
    `Цена: ${listing.price === null ? 'не указана (договорная)' : formatRub(listing.price)}`,
  ];
  if (listing.url) lines.push(`Ссылка: ${listing.url}`);
  if (listing.category) lines.push(`Категория: ${listing.category}`);
  lines.push(`Статус объявления: ${STATUS_RU[listing.status] ?? listing.status}`);
  if (listing.address) lines.push(`Адрес: ${listing.address}`);
  return `${lines.join('\n')}\n`;
}

/** Title of a listing's item document as the owner sees it in /docs. */
export function listingDocumentTitle(listing: Listing): string {
  return `Объявление: ${listing.title}`;
}
