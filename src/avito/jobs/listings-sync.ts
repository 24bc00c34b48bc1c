/** The `avito-listings-sync` job: the seller's listings into the store, each active one an item document. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import { type ListingsSyncDeps, syncListings } from '../listings.js';

export const LISTINGS_SYNC_JOB = jobKind('avito-listings-sync', z.unknown());

export function defineListingsSyncJob(agenda: Agenda, deps: ListingsSyncDeps): void {
  defineJob(agenda, LISTINGS_SYNC_JOB, async () => void (await syncListings(deps)));
}

export const scheduleListingsSync = (agenda: Agenda) =>
  scheduleEvery(agenda, LISTINGS_SYNC_JOB, 6 * 3600_000);
