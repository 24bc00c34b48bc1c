/**
 * The bot's Agenda jobs: work that must not run inside an update handler (webhook answers time out after
 * 10 s): downloading and indexing uploads, `/ask` previews (a model call), a folder sync from `/docs`.
 * Each job reports to the owner by editing or sending one message.
 */
import type { Agenda } from 'agenda';
import type { Api } from 'grammy';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/port.js';
import type { BotKnowledge } from '../deps.js';
import { type Texts, textsFor } from '../../texts/index.js';
import { defineAskPreviewJob } from './ask-preview.js';
import { defineFolderSyncForOwnerJob } from './folder-sync-for-owner.js';
import { defineIngestUploadJob } from './ingest-upload.js';

export { ASK_PREVIEW_JOB, type AskPreviewData, queueAskPreview } from './ask-preview.js';
export { FOLDER_SYNC_FOR_OWNER_JOB, queueFolderSyncForOwner } from './folder-sync-for-owner.js';
export { INGEST_UPLOAD_JOB, type IngestUploadData, queueIngestUpload } from './ingest-upload.js';

/** What the jobs need; {@link createBot} passes its own `bot.api` (auto-retry installed). */
export interface BotJobsDeps {
  api: Api;
  store: Store;
  knowledge: BotKnowledge;
  logger: Logger;
  config: Config;
  texts?: Texts;
}

/** {@link BotJobsDeps} as each job gets them: texts chosen, logger named. */
export type BotJobDeps = Omit<BotJobsDeps, 'texts'> & { texts: Texts };

/**
 * Defines the bot's jobs on `agenda`. {@link createBot} calls it with its own Api; call it yourself only in a
 * process that runs jobs without the bot.
 */
export function defineBotJobs(agenda: Agenda, deps: BotJobsDeps): void {
  const jobDeps: BotJobDeps = {
    ...deps,
    texts: deps.texts ?? textsFor(deps.config.locale),
    logger: deps.logger.child({ module: 'bot-jobs' }),
  };
  defineIngestUploadJob(agenda, jobDeps);
  defineAskPreviewJob(agenda, jobDeps);
  defineFolderSyncForOwnerJob(agenda, jobDeps);
}
