/** `/docs`: the knowledge base documents with scope and state, page by page; delete (confirmed); folder sync. */
import { Composer } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { KnowledgeDocument } from '../../models/records.js';
import { answerTap } from '../answer.js';
import { encodeCallbackData, parseCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { queueFolderSyncForOwner } from '../jobs/index.js';
import { isNotModified } from '../telegram-errors.js';
import type { Texts } from '../../texts/index.js';

const PAGE_SIZE = 8;

export function docsFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { store, knowledge } = env;

  async function page(n: number, t: Texts): Promise<{ text: string; markup: InlineKeyboardMarkup }> {
    const docs = await store.documents.list();
    const pages = Math.max(1, Math.ceil(docs.length / PAGE_SIZE));
    const p = Math.min(Math.max(0, n), pages - 1);
    const shown = docs.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
    const titles = new Map<string, string>();
    for (const d of shown) {
      if (d.itemId && !titles.has(d.itemId))
        titles.set(d.itemId, (await store.listings.get(d.itemId))?.title ?? d.itemId);
    }
    const scope = (d: KnowledgeDocument) =>
      d.scope === 'general'
        ? t.upload.scopeGeneral
        : escapeHtml(cutText(titles.get(d.itemId ?? '') ?? '?', 60, '…'));
    const lines = shown.map((d) =>
      t.docs.line(d.state, escapeHtml(cutText(d.title, 80, '…')), scope(d), d.origin),
    );
    const text = docs.length === 0 ? t.docs.none : [t.docs.title(docs.length), '', ...lines].join('\n');
    const rows: InlineKeyboardButton[][] = shown.map((d) => [
      {
        text: `${t.buttons.delete} ${cutText(d.title, 40, '…')}`,
        callback_data: encodeCallbackData({ kind: 'docs', action: 'del', docId: d.id }),
      },
    ]);
    if (pages > 1) {
      rows.push([
        {
          text: t.buttons.prev,
          callback_data: encodeCallbackData({ kind: 'docs', action: 'list', page: Math.max(0, p - 1) }),
        },
        {
          text: t.listingsPage(p + 1, pages),
          callback_data: encodeCallbackData({ kind: 'docs', action: 'list', page: p }),
        },
        {
          text: t.buttons.next,
          callback_data: encodeCallbackData({
            kind: 'docs',
            action: 'list',
            page: Math.min(pages - 1, p + 1),
          }),
        },
      ]);
    }
    if (knowledge.syncFolder)
      rows.push([
        { text: t.buttons.sync, callback_data: encodeCallbackData({ kind: 'docs', action: 'sync' }) },
      ]);
    return { text, markup: { inline_keyboard: rows } };
  }

  const ignoreNotModified = (error: unknown) => {
    if (!isNotModified(error)) throw error;
  };

  composer.command('docs', async (ctx) => {
    const { text, markup } = await page(0, ctx.t);
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: markup });
  });

  composer.callbackQuery(/^k:/, async (ctx, next) => {
    const data = parseCallbackData(ctx.callbackQuery.data);
    if (data?.kind !== 'docs') return next();
    const { t, log } = ctx;
    switch (data.action) {
      case 'list': {
        await answerTap(ctx, undefined, log);
        const { text, markup } = await page(data.page, t);
        await ctx
          .editMessageText(text, { parse_mode: 'HTML', reply_markup: markup })
          .catch(ignoreNotModified);
        return;
      }
      case 'del': {
        const doc = await store.documents.get(data.docId);
        if (!doc) return answerTap(ctx, t.toast.stale, log);
        await answerTap(ctx, undefined, log);
        await ctx.editMessageText(t.docs.confirm(escapeHtml(doc.title)), {
          parse_mode: 'HTML',
          reply_markup: {
            inline_keyboard: [
              [
                {
                  text: t.buttons.yesDelete,
                  callback_data: encodeCallbackData({ kind: 'docs', action: 'rm', docId: doc.id }),
                },
                {
                  text: t.buttons.no,
                  callback_data: encodeCallbackData({ kind: 'docs', action: 'list', page: 0 }),
                },
              ],
            ],
          },
        });
        return;
      }
      case 'rm': {
        const doc = await store.documents.get(data.docId);
        if (!doc) return answerTap(ctx, t.toast.stale, log);
        await answerTap(ctx, t.docs.deleted(doc.title), log);
        await knowledge.removeDocument(doc.id, ctx.actor);
        const { text, markup } = await page(0, t);
        await ctx
          .editMessageText(text, { parse_mode: 'HTML', reply_markup: markup })
          .catch(ignoreNotModified);
        return;
      }
      case 'sync': {
        if (!knowledge.syncFolder) return answerTap(ctx, t.docs.noSync, log);
        await answerTap(ctx, t.docs.syncQueued, log);
        await queueFolderSyncForOwner(env.agenda, ctx.chat?.id ?? ctx.from.id);
        return;
      }
    }
  });

  return composer;
}
