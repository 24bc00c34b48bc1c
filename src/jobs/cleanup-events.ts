/** The `cleanup-events` job: webhook events kept for deduplication and audit are removed after a while. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';
import { defineJob, jobKind, scheduleEvery } from './job.js';

export const CLEANUP_EVENTS_JOB = jobKind('cleanup-events', z.unknown());

/** How long processed webhook events are kept for deduplication and audit. */
export const EVENT_RETENTION_DAYS = 30;

export function defineCleanupEventsJob(agenda: Agenda, deps: { store: Store; logger: Logger }): void {
  defineJob(agenda, CLEANUP_EVENTS_JOB, async () => {
    const before = new Date(Date.now() - EVENT_RETENTION_DAYS * 24 * 3600_000);
    const removed = await deps.store.events.deleteProcessedBefore(before);
    deps.logger.info({ job: CLEANUP_EVENTS_JOB.name, removed }, 'old webhook events removed');
  });
}

export const scheduleCleanupEvents = (agenda: Agenda) =>
  scheduleEvery(agenda, CLEANUP_EVENTS_JOB, 24 * 3600_000);
