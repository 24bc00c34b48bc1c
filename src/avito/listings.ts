import type { Logger } from '../logger.js';
import type { Listing } from '../models/records.js';
import type { Store } from '../store/port.js';
import { sleep } from '../lib/retry.js';
import type { AvitoClient } from './client.js';
import type { AvitoItem } from './schemas.js';

/** The knowledge side of a listing (an item document per active listing); the rag module implements it. */
export interface ListingKnowledge {
  upsertListing(listing: Listing): Promise<void>;
  removeListing(itemId: string): Promise<void>;
}

export interface ListingsSyncDeps {
  client: Pick<AvitoClient, 'listItems'>;
  store: Store;
  knowledge?: ListingKnowledge;
  logger: Logger;
  /** Avito allows 25 item-list requests a minute. */
  requestsPerMinute?: number;
  /** Injected in tests to avoid real waiting. */
  wait?: (ms: number) => Promise<void>;
}

export interface ListingsSyncSummary {
  fetched: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  pages: number;
}

const PER_PAGE = 99;

function toListing(item: AvitoItem, syncedAt: Date): Listing {
  return {
    id: item.id,
    title: item.title,
    price: item.price ?? null,
    url: item.url ?? null,
    status: item.status ?? 'active',
    category: item.category?.name ?? null,
    address: item.address ?? null,
    syncedAt,
  };
}

const sameFacts = (a: Listing, b: Listing) =>
  a.title === b.title &&
  a.price === b.price &&
  a.url === b.url &&
  a.status === b.status &&
  a.category === b.category &&
  a.address === b.address;

/**
 * Pages through the seller's active listings within Avito's rate limit, stores them, keeps one item
 * knowledge document per listing, and removes listings (and their documents) that are no longer active.
 */
export async function syncListings(deps: ListingsSyncDeps): Promise<ListingsSyncSummary> {
  const spacing = Math.ceil(60_000 / (deps.requestsPerMinute ?? 25));
  const wait = deps.wait ?? sleep;
  const syncedAt = new Date();
  const fetched = new Map<string, Listing>();
  let pages = 0;
  for (let page = 1; ; page += 1) {
    if (page > 1) await wait(spacing);
    const items = await deps.client.listItems({ page, perPage: PER_PAGE, status: ['active'] });
    pages += 1;
    for (const item of items) fetched.set(item.id, toListing(item, syncedAt));
    if (items.length < PER_PAGE) break;
  }

  const summary: ListingsSyncSummary = {
    fetched: fetched.size,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    pages,
  };
  const known = new Map((await deps.store.listings.list()).map((l) => [l.id, l]));
  for (const listing of fetched.values()) {
    const before = known.get(listing.id);
    await deps.store.listings.upsert(listing);
    if (before && sameFacts(before, listing)) {
      summary.unchanged += 1;
      continue;
    }
    summary[before ? 'updated' : 'added'] += 1;
    await deps.knowledge?.upsertListing(listing);
  }
  for (const id of known.keys()) {
    if (fetched.has(id)) continue;
    await deps.knowledge?.removeListing(id);
    await deps.store.listings.remove(id);
    summary.removed += 1;
  }
  deps.logger.info({ ...summary }, 'listings synced');
  return summary;
}
