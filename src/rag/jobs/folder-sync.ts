/**
 * The `knowledge-folder-sync` job: every 10 minutes the knowledge folder (DOCS_DIR) is synced into the knowledge
 * base. (The owner's «sync» in `/docs` is `knowledge-folder-sync-for-owner`, src/bot/jobs/.)
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';
import type { FolderSyncSummary } from '../folder-sync.js';

export const FOLDER_SYNC_JOB = jobKind(
  'knowledge-folder-sync',
  z.unknown(),
  // Scheduled under this name by older versions (too close to the owner's `docs-sync`).
  ['sync-docs'],
);

export function defineFolderSyncJob(
  agenda: Agenda,
  deps: { knowledge: { syncFolder(dir?: string): Promise<FolderSyncSummary> }; logger: Logger },
): void {
  defineJob(agenda, FOLDER_SYNC_JOB, async () => {
    const summary = await deps.knowledge.syncFolder();
    if (summary.failed.length > 0)
      deps.logger.warn(
        { job: FOLDER_SYNC_JOB.name, failed: summary.failed },
        'some documents were not synced',
      );
  });
}

export const scheduleFolderSync = (agenda: Agenda) => scheduleEvery(agenda, FOLDER_SYNC_JOB, 10 * 60_000);
