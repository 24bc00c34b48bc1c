/**
 * `/quote`: a conversation that prices an order from the price list with menus — the product, each of its
 * options (a choice, yes/no, or a count typed in), the quantity — shows the calculator's table and total,
 * and makes an offer (КП) for a chosen open lead, sent to the owner like the card's 📄.
 */
import type { Conversation } from '@grammyjs/conversations';
import { Composer, type Context } from 'grammy';
import { calculateQuote, QuoteError, type QuoteRequest } from '../../sales/pricing/calculate.js';
import { quoteText } from '../../sales/pricing/format.js';
import { formatQuantity, parseQuantity } from '../../sales/quantity.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { QUOTE_CONVERSATION, SALES_CONVERSATIONS } from './lead-conversations.js';
import { OPEN_STAGES } from './leads.js';
import { deskFailureText, nextFlowInput, pickButton, showPreparedDocument } from './sales-flow.js';

const CANCEL = 999;
/** Leads offered for the offer: the newest open ones. */
const LEADS_SHOWN = 10;

export function quoteConversation(env: FeatureEnv) {
  return async function quote(conversation: Conversation<BotContext, Context>, ctx: Context): Promise<void> {
    const sales = env.sales;
    const list = sales?.config?.priceList;
    const t = env.t;
    const q = t.sales.quote;
    if (!sales || !list) return;
    const cancelRow = (flow: string) => [pickButton(t.sales.buttons.cancel, flow, CANCEL)];
    const cancelled = async () => void (await ctx.reply(q.cancelled));

    await ctx.reply(q.pickProduct, {
      parse_mode: 'HTML',
      reply_markup: {
        inline_keyboard: [
          ...list.products.map((p, i) => [pickButton(cutText(p.title, 60, ''), 'qp', i)]),
          cancelRow('qp'),
        ],
      },
    });
    let input = await nextFlowInput(conversation, ['qp'], { text: false });
    if (input.type !== 'pick' || input.n === CANCEL || !list.products[input.n]) return cancelled();
    const product = list.products[input.n]!;

    /** A number the owner types, within [min, max] in thousandths; null when cancelled. */
    const askNumber = async (prompt: string, min: number, max: number): Promise<number | null> => {
      await ctx.reply(prompt, { parse_mode: 'HTML' });
      for (;;) {
        const typed = await nextFlowInput(conversation, [], { text: true });
        if (typed.type !== 'text') return null;
        const parsed = parseQuantity(typed.text);
        if (parsed.ok && parsed.milli >= min && parsed.milli <= max) return parsed.milli;
        await ctx.reply(q.badNumber);
      }
    };

    const options: Record<string, string> = {};
    for (const option of product.options) {
      const title = escapeHtml(option.title);
      if (option.type === 'count') {
        const value = await askNumber(
          q.askCount(title, escapeHtml(option.unit ?? '')),
          option.min,
          option.max,
        );
        if (value === null) return cancelled();
        options[option.id] = formatQuantity(value).replace(/\s/g, '').replace(',', '.');
        continue;
      }
      const choices =
        option.type === 'choice'
          ? option.choices.map((c) => ({ id: c.id, title: c.title }))
          : [
              { id: 'yes', title: q.yes },
              { id: 'no', title: q.no },
            ];
      await ctx.reply(q.pickOption(title), {
        parse_mode: 'HTML',
        reply_markup: {
          inline_keyboard: [
            ...choices.map((c, i) => [pickButton(cutText(c.title, 60, ''), 'qo', i)]),
            cancelRow('qo'),
          ],
        },
      });
      input = await nextFlowInput(conversation, ['qo'], { text: false });
      if (input.type !== 'pick' || input.n === CANCEL || !choices[input.n]) return cancelled();
      options[option.id] = choices[input.n]!.id;
    }

    const { min, max } = product.quantity;
    const qty =
      min === max
        ? min
        : await askNumber(
            q.askQty(escapeHtml(product.unit), formatQuantity(min), formatQuantity(max)),
            min,
            max,
          );
    if (qty === null) return cancelled();
    const order: QuoteRequest = { items: [{ product: product.id, qty, options }] };

    const priced = await conversation.external(() => {
      try {
        const computed = calculateQuote(list, order, {
          now: new Date(),
          timeZone: sales.config!.timeZone,
          locale: t.locale,
        });
        return { ok: true as const, table: quoteText(computed, t.locale) };
      } catch (err) {
        if (err instanceof QuoteError) return { ok: false as const, error: err.message };
        throw err;
      }
    });
    if (!priced.ok) {
      await ctx.reply(t.sales.doc.quoteError(escapeHtml(priced.error)), { parse_mode: 'HTML' });
      return;
    }
    await ctx.reply(q.result(escapeHtml(cutText(priced.table, 3500, ''))), {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[pickButton(q.forLead, 'qf', 1)], cancelRow('qf')] },
    });
    input = await nextFlowInput(conversation, ['qf'], { text: false });
    if (input.type !== 'pick' || input.n !== 1) return;

    const leads = await conversation.external(async () => {
      const page = await sales.leads.listByStage(OPEN_STAGES, { limit: LEADS_SHOWN });
      return page.leads.map((l) => ({
        id: l.id,
        label: cutText(
          t.sales.leadButton(l.contact.name ?? l.contact.phone ?? t.sales.noName, l.listing?.title ?? ''),
          60,
          '',
        ),
      }));
    });
    if (leads.length === 0) {
      await ctx.reply(q.noLeads);
      return;
    }
    await ctx.reply(q.pickLead, {
      reply_markup: {
        inline_keyboard: [...leads.map((l, i) => [pickButton(l.label, 'ql', i)]), cancelRow('ql')],
      },
    });
    input = await nextFlowInput(conversation, ['ql'], { text: false });
    if (input.type !== 'pick' || !leads[input.n]) return cancelled();
    const leadId = leads[input.n]!.id;
    const chatId = ctx.chat?.id;
    const failure = await conversation.external(async () => {
      const desk = sales.desk;
      if (!desk) return t.sales.notConfigured;
      const prepared = await desk.prepare(leadId, 'offer', `tg:${ctx.from?.id ?? 'unknown'}`, order);
      if (!prepared.ok) return deskFailureText(prepared, t);
      if (chatId !== undefined)
        await showPreparedDocument(env.api, chatId, prepared, await sales.leads.get(leadId), t);
      return null;
    });
    if (failure) await ctx.reply(failure, { parse_mode: 'HTML' });
  };
}

/** The `/quote` command: starts the conversation (one sales flow at a time). */
export function quoteFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command('quote', async (ctx) => {
    if (!env.sales?.config) return void (await ctx.reply(ctx.t.sales.notConfigured));
    for (const other of [...SALES_CONVERSATIONS, 'edit'])
      if (ctx.conversation.active(other) > 0) await ctx.conversation.exit(other);
    await ctx.conversation.enter(QUOTE_CONVERSATION);
  });
  return composer;
}
