/**
 * The bot's Agenda jobs: work that must not run inside an update handler (webhook answers time out after
 * 10 s): downloading and indexing uploads, `/ask` previews (a model call), folder sync from `/docs`.
 * Each job reports to the owner by editing one message.
 */
import type { Agenda, Job } from 'agenda';
import type { Api } from 'grammy';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { IngestError } from '../rag/errors.js';
import type { Store } from '../store/port.js';
import { renderDecision } from './cards/decision.js';
import type { BotKnowledge, IngestProgress } from './deps.js';
import { cutText, escapeHtml } from './html.js';
import { isNotModified } from './telegram-errors.js';
import { type DownloadProblem, type Texts, textsFor } from './texts/index.js';

export const INGEST_UPLOAD_JOB = 'ingest-upload';
export const ASK_PREVIEW_JOB = 'ask-preview';
export const DOCS_SYNC_JOB = 'docs-sync';

const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const PROGRESS_EDIT_INTERVAL_MS = 1000;

const ProgressTarget = z.object({ chatId: z.number().int(), messageId: z.number().int() });

export const IngestUploadData = z.object({
  fileId: z.string().min(1),
  fileUniqueId: z.string().min(1).optional(),
  fileName: z.string().min(1),
  mimeType: z.string().nullable(),
  scope: z.enum(['general', 'item']),
  itemId: z.string().nullable(),
  progress: ProgressTarget,
});
export type IngestUploadData = z.infer<typeof IngestUploadData>;

export const AskPreviewData = z.object({
  question: z.string().min(1),
  itemId: z.string().nullable(),
  progress: ProgressTarget,
});
export type AskPreviewData = z.infer<typeof AskPreviewData>;

export const DocsSyncData = z.object({ chatId: z.number().int() });

/** What the jobs need; {@link createBot} passes its own `bot.api` (auto-retry installed). */
export interface BotJobsDeps {
  api: Api;
  store: Store;
  knowledge: BotKnowledge;
  logger: Logger;
  config: Config;
  texts?: Texts;
}

/**
 * Edits one message through a series of states, at most about once a second; the final state is always
 * shown. Edits are chained so they never overtake each other.
 */
function progressMessage(api: Api, target: z.infer<typeof ProgressTarget>, log: Logger) {
  let last = 0;
  let shown = '';
  let chain: Promise<void> = Promise.resolve();
  return {
    show(text: string, final = false): Promise<void> {
      const now = Date.now();
      if (text === shown || (!final && now - last < PROGRESS_EDIT_INTERVAL_MS)) return chain;
      shown = text;
      last = now;
      chain = chain.then(async () => {
        try {
          await api.editMessageText(target.chatId, target.messageId, text, { parse_mode: 'HTML' });
        } catch (error) {
          if (!isNotModified(error)) log.warn({ err: error }, 'progress edit failed');
        }
      });
      return chain;
    },
  };
}

/** A Telegram file that could not be fetched, with the reason as a code the texts word. */
class DownloadError extends Error {
  constructor(readonly problem: DownloadProblem) {
    super(`Telegram file download failed: ${problem.code}`);
    this.name = 'DownloadError';
  }
}

/** A failure reason the owner can read, in the owner's language where we know it; never a URL (it holds the token). */
function reason(error: unknown, t: Texts): string {
  if (error instanceof DownloadError) return escapeHtml(t.upload.download(error.problem));
  const text =
    error instanceof IngestError
      ? error.localized(t.locale)
      : error instanceof Error
        ? error.message
        : String(error);
  return escapeHtml(cutText(text.replace(/https?:\/\/\S+/g, '[url]'), 200, '…'));
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

/**
 * Defines `ingest-upload`, `ask-preview` and `docs-sync` on `agenda`. {@link createBot} calls it with its own
 * Api; call it yourself only in a process that runs jobs without the bot.
 */
export function defineBotJobs(agenda: Agenda, deps: BotJobsDeps): void {
  const t = deps.texts ?? textsFor(deps.config.locale);
  const { api, store, knowledge } = deps;
  const logger = deps.logger.child({ module: 'bot-jobs' });

  agenda.define(INGEST_UPLOAD_JOB, async (job: Job<unknown>) => {
    const parsed = IngestUploadData.safeParse(job.attrs.data);
    if (!parsed.success) {
      logger.error({ issues: parsed.error.issues }, 'ingest-upload: invalid job data');
      return;
    }
    const data = parsed.data;
    const log = logger.child({ job: INGEST_UPLOAD_JOB, fileName: data.fileName });
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
      await show(t.upload.stages.failed(reason(error, t)), true);
    }
  });

  agenda.define(ASK_PREVIEW_JOB, async (job: Job<unknown>) => {
    const parsed = AskPreviewData.safeParse(job.attrs.data);
    if (!parsed.success) {
      logger.error({ issues: parsed.error.issues }, 'ask-preview: invalid job data');
      return;
    }
    const { question, itemId, progress } = parsed.data;
    const log = logger.child({ job: ASK_PREVIEW_JOB });
    const target = progressMessage(api, progress, log);
    try {
      const listing = itemId ? await store.listings.get(itemId) : null;
      const decision = await knowledge.answer({
        questions: [question],
        history: [{ author: 'buyer', text: question }],
        listing: listing
          ? {
              itemId: listing.id,
              title: listing.title,
              price: listing.price !== null ? `${listing.price} ₽` : null,
              url: listing.url,
            }
          : null,
      });
      await target.show(renderDecision(question, listing?.title ?? null, decision, t), true);
    } catch (error) {
      log.warn({ err: error }, 'ask preview failed');
      await target.show(t.ask.failed(reason(error, t)), true);
    }
  });

  agenda.define(DOCS_SYNC_JOB, async (job: Job<unknown>) => {
    const parsed = DocsSyncData.safeParse(job.attrs.data);
    if (!parsed.success || !knowledge.syncFolder) return;
    try {
      await knowledge.syncFolder();
      await api.sendMessage(parsed.data.chatId, t.docs.syncDone);
    } catch (error) {
      logger.warn({ err: error }, 'folder sync failed');
      await api.sendMessage(parsed.data.chatId, t.docs.syncFailed(reason(error, t)), { parse_mode: 'HTML' });
    }
  });
}
