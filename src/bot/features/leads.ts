/**
 * `/leads`: open leads by stage with paging, the lead card and its buttons (stages, ❌ lost, ✏️ brief, 📄 КП,
 * 📝 Договор, 🧾 Счёт), and the buttons under a prepared PDF (✅ send to the buyer, 🔄 again, ✖️ cancel). Every
 * change goes through the sales use cases (compare-and-set, audited); the card is then drawn again.
 */
import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { CLOSED_LEAD_STAGES, LEAD_STAGES, type Lead, type LeadStage } from '../../models/records.js';
import type { DocumentKind } from '../../sales/documents/template.js';
import { answerTap, tapWithResult } from '../answer.js';
import { leadNumber, renderLeadCard } from '../cards/lead.js';
import type { BotContext } from '../context.js';
import type { BotSales } from '../deps.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { isNotModified } from '../telegram-errors.js';
import { parseSalesCallback, salesCallback } from '../sales-callbacks.js';
import type { Texts } from '../../texts/index.js';
import {
  LEAD_BRIEF_CONVERSATION,
  LEAD_LOST_CONVERSATION,
  SALES_CONVERSATIONS,
} from './lead-conversations.js';
import { deskFailureText, leadFailureToast, showPreparedDocument } from './sales-flow.js';

/** Leads per page of a stage. */
export const LEADS_PAGE = 8;
/** Counting stops here (a stage shows «100+»). */
const COUNT_CAP = 100;

export const OPEN_STAGES: readonly LeadStage[] = LEAD_STAGES.filter((s) => !CLOSED_LEAD_STAGES.includes(s));

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });

/** The leads of one stage: the page asked for, and whether there is a next one. */
async function stagePage(sales: BotSales, stage: LeadStage, page: number) {
  let after: string | null = null;
  for (let i = 0; i < page; i++) {
    const skipped = await sales.leads.listByStage([stage], { limit: LEADS_PAGE, after });
    if (!skipped.next) return { leads: [] as Lead[], hasNext: false };
    after = skipped.next;
  }
  const found = await sales.leads.listByStage([stage], { limit: LEADS_PAGE, after });
  return { leads: found.leads, hasNext: found.next !== null };
}

async function countStage(sales: BotSales, stage: LeadStage): Promise<number> {
  const found = await sales.leads.listByStage([stage], { limit: COUNT_CAP });
  return found.leads.length;
}

/** The stage summary: one button per open stage with its count. */
export async function stagesScreen(sales: BotSales, t: Texts) {
  const counts = await Promise.all(OPEN_STAGES.map((s) => countStage(sales, s)));
  const total = counts.reduce((a, b) => a + b, 0);
  const rows = OPEN_STAGES.flatMap((stage, i) =>
    counts[i]! > 0
      ? [
          [
            button(
              `${t.sales.stage(stage)} (${counts[i]! >= COUNT_CAP ? `${COUNT_CAP}+` : counts[i]})`,
              salesCallback({ kind: 'page', stage, page: 0 }),
            ),
          ],
        ]
      : [],
  );
  return {
    text: total > 0 ? t.sales.leadsTitle(total) : t.sales.noLeads,
    reply_markup: { inline_keyboard: rows },
  };
}

function leadButtonText(lead: Lead, t: Texts): string {
  const name = lead.contact.name ?? lead.contact.phone ?? t.sales.noName;
  return cutText(t.sales.leadButton(name, lead.listing?.title ?? ''), 60, '');
}

async function pageScreen(sales: BotSales, stage: LeadStage, page: number, t: Texts) {
  const { leads, hasNext } = await stagePage(sales, stage, page);
  const rows = leads.map((lead) => [
    button(leadButtonText(lead, t), salesCallback({ kind: 'open', leadId: lead.id })),
  ]);
  const nav: InlineKeyboardButton[] = [];
  if (page > 0)
    nav.push(button(t.sales.buttons.prev, salesCallback({ kind: 'page', stage, page: page - 1 })));
  nav.push(button(t.sales.buttons.list, salesCallback({ kind: 'stages' })));
  if (hasNext) nav.push(button(t.sales.buttons.next, salesCallback({ kind: 'page', stage, page: page + 1 })));
  rows.push(nav);
  const text = [
    t.sales.stageTitle(t.sales.stage(stage), page + 1, hasNext ? page + 2 : page + 1),
    ...(leads.length === 0 ? [t.sales.stageEmpty] : []),
  ].join('\n');
  return { text, reply_markup: { inline_keyboard: rows } };
}

const DOC_KINDS: Record<'offer' | 'contract' | 'invoice', DocumentKind> = {
  offer: 'offer',
  contract: 'contract',
  invoice: 'invoice',
};

/** The lead card as a message: its HTML text and options for `reply`/`editMessageText`. */
export async function leadCardMessage(env: FeatureEnv, lead: Lead, t: Texts, log: BotContext['log']) {
  const rendered = await renderLeadCard(lead, env.sales?.config?.brief.fields ?? [], t, env.leadCard, log);
  return {
    text: rendered.text,
    options: {
      parse_mode: 'HTML' as const,
      link_preview_options: { is_disabled: true },
      ...(rendered.replyMarkup ? { reply_markup: rendered.replyMarkup } : {}),
    },
  };
}

/** Draws the card again in the message tapped (a card) — a "not modified" is fine. */
export async function redrawLeadCard(env: FeatureEnv, ctx: BotContext, lead: Lead): Promise<void> {
  const { text, options } = await leadCardMessage(env, lead, ctx.t, ctx.log);
  await ctx.editMessageText(text, options).catch((error: unknown) => {
    if (!isNotModified(error)) throw error;
  });
}

/**
 * Waits until `settled` says a queued action went through (its job ran), at most `timeoutMs`, so the card drawn
 * next shows the result; a slower job still completes and tells the owner itself.
 */
export async function whenSettled(
  settled: () => Promise<boolean>,
  timeoutMs = 3000,
  everyMs = 100,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await settled()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function leadsFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const sales = env.sales;
  const fields = () => sales?.config?.brief.fields ?? [];

  const card = (lead: Lead, t: Texts, log: BotContext['log']) => leadCardMessage(env, lead, t, log);
  const redraw = (ctx: BotContext, lead: Lead) => redrawLeadCard(env, ctx, lead);

  composer.command('leads', async (ctx) => {
    if (!sales) return void (await ctx.reply(ctx.t.sales.notConfigured));
    const screen = await stagesScreen(sales, ctx.t);
    await ctx.reply(screen.text, { parse_mode: 'HTML', reply_markup: screen.reply_markup });
  });

  composer.callbackQuery(/^[lg]:/, async (ctx, next) => {
    const data = parseSalesCallback(ctx.callbackQuery.data);
    if (!data) return next();
    const { t, log, actor } = ctx;
    if (!sales) return answerTap(ctx, t.sales.notConfigured, log);
    switch (data.kind) {
      case 'stages': {
        await answerTap(ctx, undefined, log);
        const screen = await stagesScreen(sales, t);
        await ctx
          .editMessageText(screen.text, { parse_mode: 'HTML', reply_markup: screen.reply_markup })
          .catch((error: unknown) => {
            if (!isNotModified(error)) throw error;
          });
        return;
      }
      case 'page': {
        await answerTap(ctx, undefined, log);
        const screen = await pageScreen(sales, data.stage, data.page, t);
        await ctx
          .editMessageText(screen.text, { parse_mode: 'HTML', reply_markup: screen.reply_markup })
          .catch((error: unknown) => {
            if (!isNotModified(error)) throw error;
          });
        return;
      }
      case 'open':
      case 'refresh': {
        const lead = await sales.leads.get(data.leadId);
        if (!lead) return answerTap(ctx, t.sales.toast.notFound, log);
        await answerTap(ctx, undefined, log);
        if (data.kind === 'refresh') return redraw(ctx, lead);
        const { text, options } = await card(lead, t, log);
        await ctx.reply(text, options);
        return;
      }
      case 'move':
      case 'reopen':
        return tapWithResult(ctx, log, t, async () => {
          const result =
            data.kind === 'move'
              ? await sales.leads.moveStage(data.leadId, data.stage, actor)
              : await sales.leads.reopen(data.leadId, actor);
          if (!result.ok) return leadFailureToast(result, t);
          await redraw(ctx, result.lead);
          return t.sales.toast.moved(t.sales.stage(result.lead.stage));
        });
      case 'lost':
      case 'brief': {
        const lead = await sales.leads.get(data.leadId);
        if (!lead) return answerTap(ctx, t.sales.toast.notFound, log);
        await answerTap(ctx, undefined, log);
        if (data.kind === 'lost')
          return enterSalesConversation(ctx, LEAD_LOST_CONVERSATION, { leadId: lead.id });
        const rows = fields().map((f, index) => [
          button(f.label, salesCallback({ kind: 'field', index, leadId: lead.id })),
        ]);
        await ctx.reply(`${t.sales.card.title(leadNumber(lead))}\n${t.sales.brief.pick}`, {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: rows },
        });
        return;
      }
      case 'field': {
        if (!fields()[data.index]) return answerTap(ctx, t.toast.stale, log);
        await answerTap(ctx, undefined, log);
        return enterSalesConversation(ctx, LEAD_BRIEF_CONVERSATION, {
          leadId: data.leadId,
          index: data.index,
        });
      }
      case 'document': {
        const desk = sales.desk;
        if (!desk) return answerTap(ctx, t.sales.notConfigured, log);
        const chatId = ctx.chat?.id;
        return tapWithResult(ctx, log, t, async () => {
          const prepared = await desk.prepare(data.leadId, DOC_KINDS[data.doc], actor);
          if (!prepared.ok) {
            await ctx.reply(deskFailureText(prepared, t), { parse_mode: 'HTML' });
            return t.toast.failed;
          }
          if (chatId !== undefined)
            await showPreparedDocument(env.api, chatId, prepared, await sales.leads.get(data.leadId), t);
          const lead = await sales.leads.get(data.leadId);
          if (lead) await redraw(ctx, lead).catch((err: unknown) => log.debug({ err }, 'card not redrawn'));
          return t.sales.toast.preparing;
        });
      }
      case 'pdf': {
        const desk = sales.desk;
        if (!desk) return answerTap(ctx, t.sales.notConfigured, log);
        const chatId = ctx.chat?.id;
        return tapWithResult(ctx, log, t, async () => {
          const id = data.documentId;
          if (data.action === 'cancel') {
            const r = await desk.cancel(id, actor);
            if (!r.ok) return deskFailureText(r, t);
            await ctx.editMessageReplyMarkup().catch(() => {});
            await ctx.reply(t.sales.doc.cancelledCaption(escapeHtml(r.document.title)), {
              parse_mode: 'HTML',
            });
            return t.sales.toast.cancelled;
          }
          if (data.action === 'regen') {
            const r = await desk.regenerate(id);
            if (!r.ok) return deskFailureText(r, t);
            await ctx.editMessageReplyMarkup().catch(() => {});
            if (chatId !== undefined)
              await showPreparedDocument(env.api, chatId, r, await sales.leads.get(r.document.leadId), t);
            return t.sales.toast.preparing;
          }
          const r = await desk.send(id, actor);
          if (!r.ok) return deskFailureText(r, t);
          await ctx.editMessageReplyMarkup().catch(() => {});
          await ctx.reply(t.sales.doc.sentCaption(escapeHtml(r.document.title), escapeHtml(r.url)), {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          });
          return t.sales.toast.sent;
        });
      }
      default:
        return next();
    }
  });

  return composer;
}

/** Enters a sales conversation, leaving any other flow of this chat first (one flow at a time). */
export async function enterSalesConversation(ctx: BotContext, id: string, args: object): Promise<void> {
  for (const other of [...SALES_CONVERSATIONS, 'edit']) {
    if (ctx.conversation.active(other) > 0) await ctx.conversation.exit(other);
  }
  await ctx.conversation.enter(id, args);
}
