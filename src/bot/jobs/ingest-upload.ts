/** The `ingest-upload` job: downloads a file the owner sent and indexes it, editing one progress message. */
import type { Agenda } from 'agenda';
import type { Api } from 'grammy';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { defineJob, jobKind } from '../../jobs/job.js';
import type { IngestProgress } from '../deps.js';
import { cutText, escapeHtml } from '../html.js';
import type { BotJobDeps } from './index.js';
import { DownloadError, failureReason, ProgressTarget, progressMessage } from './progress.js';

export const INGEST_UPLOAD_JOB = jobKind(
  'ingest-upload',
  z.object({
    fileId: z.string().min(1),
    fileUniqueId: z.string().min(1).optional(),
    fileName: z.string().min(1),
    mimeType: z.string().nullable(),
    scope: z.enum(['general', 'item']),
    itemId: z.string().nullable(),
    progress: ProgressTarget,
  }),
);
export type IngestUploadData = z.infer<typeof INGEST_UPLOAD_JOB.data>;

const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Queues the indexing of an uploaded file. */
export async function queueIngestUpload(agenda: Agenda, data: IngestUploadData): Promise<void> {
  await agenda.now(INGEST_UPLOAD_JOB.name, data);
}

/** Downloads a Telegram file by id (getFile + the file route), refusing anything over 20 MB. */
async function download(api: Api, config: Config, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new DownloadError({ code: 'no-path' });
  if ((file.file_size ?? 0) > MAX_DOWNLOAD_BYTES) throw new DownloadError({ code: 'too-big' });
  // Never log this URL: it contains the bot token.
  const url = `${config.telegram.apiRoot}/file/bot${config.telegram.token}/${file.file_path}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new DownloadError({ code: 'http', status: res.status });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_DOWNLOAD_BYTES) throw new DownloadError({ code: 'too-big' });
  return bytes;
}

const titleOf = (fileName: string) => fileName.replace(/\.[^./]{1,8}$/, '') || fileName;

export function defineIngestUploadJob(agenda: Agenda, deps: BotJobDeps): void {
  const { api, store, knowledge, texts: t } = deps;
  const logger = deps.logger;
  defineJob(agenda, INGEST_UPLOAD_JOB, async (data) => {
    const log = logger.child({ job: INGEST_UPLOAD_JOB.name, fileName: data.fileName });
    const listing = data.itemId ? await store.listings.get(data.itemId) : null;
    const scope = listing
      ? escapeHtml(listing.title)
      : data.scope === 'item'
        ? escapeHtml(data.itemId ?? '')
        : t.upload.scopeGeneral;
    const name = escapeHtml(data.fileName);
    const progress = progressMessage(api, data.progress, log);
    const show = (stage: string, final = false) =>
      progress.show(t.upload.progress(name, scope, stage), final);
    try {
      await show(t.upload.stages.downloading, true);
      const bytes = await download(api, deps.config, data.fileId);
      let failed: string | undefined;
      const doc = await knowledge.ingest(
        {
          origin: 'upload',
          sourceKey: data.fileUniqueId ?? data.fileId,
          title: titleOf(data.fileName),
          fileName: data.fileName,
          bytes,
          ...(data.mimeType ? { mimeType: data.mimeType } : {}),
          scope: data.scope,
          itemId: data.itemId,
        },
        (p: IngestProgress) => {
          if (p.stage === 'failed') failed = p.detail ?? '?';
          if (p.stage === 'ready' || p.stage === 'failed') return;
          const percent = p.percent !== undefined ? ` ${Math.round(p.percent)}%` : '';
          void show(`${t.upload.stages[p.stage]}${percent}`);
        },
      );
      if (doc.state === 'failed' || failed !== undefined) {
        await show(t.upload.stages.failed(escapeHtml(cutText(doc.error ?? failed ?? '?', 200, '…'))), true);
        log.warn({ docId: doc.id, error: doc.error ?? failed }, 'upload indexing failed');
        return;
      }
      await show(t.upload.stages.ready, true);
      log.info({ docId: doc.id }, 'upload indexed');
    } catch (error) {
      log.warn({ err: error }, 'upload failed');
      await show(t.upload.stages.failed(failureReason(error, t)), true);
    }
  });
}
