/**
 * Uploads: `/upload` or simply a file. Each file gets a message asking "general or which listing?"; the
 * same message then shows the progress, edited by the `ingest-upload` job (downloads and indexing never run
 * inside the update handler: pitfall 4). Files over 20 MB are refused before any download.
 */
import { Composer } from 'grammy';
import { z } from 'zod';
import { answerTap } from '../answer.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { DOCUMENT_KINDS, mayBeReadable } from '../../rag/extract/detect.js';
import { escapeHtml } from '../html.js';
import { type IngestUploadData, queueIngestUpload } from '../jobs/index.js';
import { claimPick, listingPicker, newToken } from '../keyboards/listing-picker.js';
import { formatMegabytes } from '../../texts/index.js';

/** Telegram lets bots download files up to 20 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const PendingUpload = z.object({
  fileId: z.string().min(1),
  fileUniqueId: z.string().min(1),
  fileName: z.string().min(1).max(255),
  mimeType: z.string().nullable(),
});
type PendingUpload = z.infer<typeof PendingUpload>;

const uploadKey = (token: string) => `upload:${token}`;

/** What the owner may send, as the prompt and a refusal list it: `PDF, DOCX, …`. */
const ACCEPTED = DOCUMENT_KINDS.map((kind) => kind.toUpperCase()).join(', ');

export function uploadFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { store, agenda } = env;

  composer.command('upload', (ctx) => ctx.reply(ctx.t.upload.prompt(ACCEPTED)));

  composer.on('message:document', async (ctx) => {
    const doc = ctx.message.document;
    const fileName = (doc.file_name ?? 'document').slice(0, 255);
    const refuse = (text: string) =>
      ctx.reply(text, {
        parse_mode: 'HTML',
        reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
      });
    // Refused before asking what the file is about: there is nothing to ask about a file we cannot read.
    if (!mayBeReadable(fileName, doc.mime_type)) {
      ctx.log.info({ fileName, mimeType: doc.mime_type }, 'upload refused: unsupported type');
      await refuse(ctx.t.upload.unsupported(escapeHtml(fileName), ACCEPTED));
      return;
    }
    if ((doc.file_size ?? 0) > MAX_DOWNLOAD_BYTES) {
      ctx.log.info({ fileName, size: doc.file_size }, 'upload refused: too big');
      await refuse(ctx.t.upload.tooBig(escapeHtml(fileName), formatMegabytes(ctx.t, doc.file_size ?? 0)));
      return;
    }
    const token = newToken();
    const pending: PendingUpload = {
      fileId: doc.file_id,
      fileUniqueId: doc.file_unique_id,
      fileName,
      mimeType: doc.mime_type ?? null,
    };
    await store.kv.set(uploadKey(token), pending, 24 * 3600_000);
    await ctx.reply(ctx.t.upload.choose(escapeHtml(fileName)), {
      parse_mode: 'HTML',
      reply_markup: listingPicker('upload', token, await store.listings.list(), 0, ctx.t),
      reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
    });
  });

  composer.callbackQuery(/^u:/, async (ctx, next) => {
    const picked = await claimPick(ctx, store, 'upload', uploadKey, PendingUpload);
    if (picked === 'not-mine') return next();
    if (!picked) return;
    const { t, log } = ctx;
    const { choice, message, pending } = picked;
    const name = escapeHtml(pending.fileName);
    if (choice.type === 'cancel') {
      await answerTap(ctx, t.upload.cancelled, log);
      await ctx.editMessageText(t.upload.cancelled);
      return;
    }
    await answerTap(ctx, t.toast.uploadQueued, log);
    const listing = choice.type === 'item' ? await store.listings.get(choice.itemId) : null;
    const scopeLabel = listing ? escapeHtml(listing.title) : t.upload.scopeGeneral;
    await ctx.editMessageText(t.upload.progress(name, scopeLabel, t.upload.stages.queued), {
      parse_mode: 'HTML',
    });
    const job: IngestUploadData = {
      fileId: pending.fileId,
      fileUniqueId: pending.fileUniqueId,
      fileName: pending.fileName,
      mimeType: pending.mimeType,
      scope: choice.type === 'item' ? 'item' : 'general',
      itemId: choice.type === 'item' ? choice.itemId : null,
      progress: message,
    };
    await queueIngestUpload(agenda, job);
    log.info({ fileName: job.fileName, scope: job.scope, itemId: job.itemId }, 'upload queued');
  });

  return composer;
}
