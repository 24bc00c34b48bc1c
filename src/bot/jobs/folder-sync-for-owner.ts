/**
 * The `knowledge-folder-sync-for-owner` job: the owner tapped «sync» in `/docs`; the knowledge folder is synced
 * and the owner told how it went. (The scheduled sync is `knowledge-folder-sync`, src/rag/jobs/folder-sync.ts.)
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind } from '../../jobs/job.js';
import type { BotJobDeps } from './index.js';
import { failureReason } from './progress.js';

export const FOLDER_SYNC_FOR_OWNER_JOB = jobKind(
  'knowledge-folder-sync-for-owner',
  z.object({ chatId: z.number().int() }),
  // Queued under this name by older versions (too close to the scheduled `sync-docs`).
  ['docs-sync'],
);

/** Queues a folder sync that reports to the owner's chat `chatId`. */
export async function queueFolderSyncForOwner(agenda: Agenda, chatId: number): Promise<void> {
  await agenda.now(FOLDER_SYNC_FOR_OWNER_JOB.name, { chatId });
}

export function defineFolderSyncForOwnerJob(agenda: Agenda, deps: BotJobDeps): void {
  const { api, knowledge, texts: t, logger } = deps;
  defineJob(agenda, FOLDER_SYNC_FOR_OWNER_JOB, async ({ chatId }) => {
    if (!knowledge.syncFolder) return;
    try {
      await knowledge.syncFolder();
      await api.sendMessage(chatId, t.docs.syncDone);
    } catch (error) {
      logger.warn({ err: error }, 'folder sync failed');
      await api.sendMessage(chatId, t.docs.syncFailed(failureReason(error, t)), { parse_mode: 'HTML' });
    }
  });
}
