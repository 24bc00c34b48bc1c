/**
 * 💳 on the lead card (YooKassa configured), per invoice of the lead: a line with where its payment stands, a
 * payment link for an unpaid invoice whose link has not gone out (none yet, or the last payment failed), and
 * «↩️ Возврат» for a paid one with money left to return. A refund asks first, showing the amount; the confirmed
 * amount is refunded through the payments' durable job, whose key is the invoice, what was refunded before and
 * the amount: a second tap, or a retry, queues nothing new, and once the refund is through the confirmation is
 * stale (nothing left to refund). ✏️ on the confirmation asks for another amount (a partial refund), typed.
 */
import type { Conversation } from '@grammyjs/conversations';
import { type Context, Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import type { Payments } from '../../integrations/index.js';
import type { Lead, LeadDocumentRef } from '../../models/records.js';
import { parseRubles } from '../../sales/money.js';
import { answerTap, tapWithResult } from '../answer.js';
import { type LeadCardExtension, leadIsOpen } from '../cards/lead.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { escapeHtml } from '../html.js';
import { isNotModified } from '../telegram-errors.js';
import { parseSalesCallback, salesCallback } from '../sales-callbacks.js';
import type { Texts } from '../../texts/index.js';
import { LEAD_REFUND_CONVERSATION } from './lead-conversations.js';
import { enterSalesConversation, redrawLeadCard, whenSettled } from './leads.js';
import { nextFlowInput, pickButton } from './sales-flow.js';

type InvoicePayment = NonNullable<Awaited<ReturnType<Payments['status']>>>;

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });

/** The lead's invoices with a sum to pay, by their index in `lead.documents` (what the buttons carry). */
function invoicesOf(lead: Lead): Array<{ index: number; doc: LeadDocumentRef }> {
  return lead.documents.flatMap((doc, index) =>
    doc.kind === 'invoice' && doc.total !== null && doc.total > 0 ? [{ index, doc }] : [],
  );
}

const leftToRefund = (p: InvoicePayment) => p.amountKopecks - p.refundedKopecks;
/** A link can go out: none was made yet, or the last payment failed. */
const linkWanted = (p: InvoicePayment | null) => p === null || p.status === 'canceled';

function statusLine(t: Texts, invoice: string, p: InvoicePayment): string {
  const s = t.sales.payment;
  const number = escapeHtml(invoice);
  switch (p.status) {
    case 'creating':
      return s.creating(number);
    case 'pending':
      return s.pending(number);
    case 'canceled':
      return s.canceled(number);
    case 'succeeded':
      return s.paid(number, p.amountKopecks, p.refundedKopecks);
  }
}

/** «Вернуть 12 300,00 ₽ по счёту № …?» with Да / Нет, and ✏️ for another amount. */
function refundQuestion(t: Texts, invoice: string, doc: number, kopecks: number, leadId: string) {
  const b = t.sales.buttons;
  return {
    text: t.sales.payment.confirmRefund(escapeHtml(invoice), kopecks),
    options: {
      parse_mode: 'HTML' as const,
      reply_markup: {
        inline_keyboard: [
          [
            button(b.yes, salesCallback({ kind: 'payment', action: 'refund', doc, kopecks, leadId })),
            button(b.no, salesCallback({ kind: 'refresh', leadId })),
          ],
          [button(t.sales.payment.other, salesCallback({ kind: 'payment', action: 'some', doc, leadId }))],
        ],
      },
    },
  };
}

/** The paid invoice `doc` of the lead with what is left to refund, or null when nothing is. */
async function refundable(env: FeatureEnv, payments: Payments, leadId: string, doc: number) {
  const lead = await env.sales?.leads.get(leadId);
  const invoice = lead ? invoicesOf(lead).find((i) => i.index === doc)?.doc : undefined;
  const payment = invoice ? await payments.status(invoice.number) : null;
  if (!invoice || payment?.status !== 'succeeded' || leftToRefund(payment) <= 0) return null;
  return { number: invoice.number, left: leftToRefund(payment) };
}

const RefundArgs = z.object({ leadId: z.string().min(1), doc: z.number().int().min(0) });
const CANCEL = 0;

/**
 * ✏️ another amount: the owner writes how much to refund (up to what is left); the answer is the same
 * confirmation with that amount, so the refund itself goes the one way («Да» on a confirmation).
 */
export function refundConversation(env: FeatureEnv) {
  return async function refund(conversation: Conversation<BotContext, Context>, ctx: Context, raw: unknown) {
    const args = RefundArgs.safeParse(raw);
    const payments = env.sales?.payments;
    if (!args.success || !payments) return;
    const { leadId, doc } = args.data;
    const t = env.t;
    const s = t.sales.payment;
    const invoice = await conversation.external(() => refundable(env, payments, leadId, doc));
    if (!invoice) {
      await ctx.reply(s.toast.notPaid);
      return;
    }
    await ctx.reply(s.askAmount(escapeHtml(invoice.number), invoice.left), {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[pickButton(t.sales.buttons.cancel, 'refund', CANCEL)]] },
    });
    for (;;) {
      const input = await nextFlowInput(conversation, ['refund'], { text: true });
      if (input.type !== 'text') {
        await ctx.reply(t.edit.cancelled);
        return;
      }
      const amount = parseRubles(input.text);
      if (!amount.ok || amount.kopecks <= 0 || amount.kopecks > invoice.left) {
        await ctx.reply(s.badAmount(invoice.left));
        continue;
      }
      const question = refundQuestion(t, invoice.number, doc, amount.kopecks, leadId);
      await ctx.reply(question.text, question.options);
      return;
    }
  };
}

export function paymentCard(env: FeatureEnv, payments: Payments): LeadCardExtension {
  const composer = new Composer<BotContext>();

  composer.callbackQuery(/^p:/, async (ctx, next) => {
    const data = parseSalesCallback(ctx.callbackQuery.data);
    if (data?.kind !== 'payment') return next();
    const { t, log } = ctx;
    const s = t.sales.payment;
    const lead = await env.sales?.leads.get(data.leadId);
    if (!lead) return answerTap(ctx, t.sales.toast.notFound, log);
    const stale = async (toast: string) => {
      await answerTap(ctx, toast, log);
      await redrawLeadCard(env, ctx, lead);
    };
    const invoice = invoicesOf(lead).find((i) => i.index === data.doc)?.doc;
    if (!invoice) return stale(s.toast.noInvoice);
    const payment = await payments.status(invoice.number);

    if (data.action === 'link') {
      if (payment?.status === 'succeeded') return stale(s.toast.alreadyPaid);
      if (!linkWanted(payment)) return stale(s.toast.linkSent);
      return tapWithResult(ctx, log, t, async () => {
        const result = await payments.requestPayment(lead.id, invoice.number);
        if (!result.ok) return result.reason === 'already_paid' ? s.toast.alreadyPaid : s.toast.noInvoice;
        await whenSettled(async () => !linkWanted(await payments.status(invoice.number)));
        await redrawLeadCard(env, ctx, (await env.sales?.leads.get(lead.id)) ?? lead);
        return s.toast.linkQueued;
      });
    }
    if (payment?.status !== 'succeeded') return stale(s.toast.notPaid);
    const left = leftToRefund(payment);
    if (left <= 0) return stale(s.toast.refunded);

    if (data.action === 'ask') {
      await answerTap(ctx, undefined, log);
      const question = refundQuestion(t, invoice.number, data.doc, left, lead.id);
      await ctx.editMessageText(question.text, question.options).catch((error: unknown) => {
        if (!isNotModified(error)) throw error;
      });
      return;
    }
    if (data.action === 'some') {
      await answerTap(ctx, undefined, log);
      return enterSalesConversation(ctx, LEAD_REFUND_CONVERSATION, { leadId: lead.id, doc: data.doc });
    }
    if (data.action !== 'refund') return next();
    // What the owner confirmed, and no more: a part refunded since then makes this confirmation stale.
    if (data.kopecks > left) return stale(s.toast.refunded);
    return tapWithResult(ctx, log, t, async () => {
      const result = await payments.refund(lead.id, invoice.number, data.kopecks);
      if (!result.ok) return result.reason === 'not_paid' ? s.toast.notPaid : s.toast.refunded;
      await whenSettled(
        async () => (await payments.status(invoice.number))?.refundedKopecks !== payment.refundedKopecks,
      );
      await redrawLeadCard(env, ctx, (await env.sales?.leads.get(lead.id)) ?? lead);
      return s.toast.refunding(data.kopecks);
    });
  });

  return {
    id: 'payments',
    async lines({ lead, t }) {
      const lines: string[] = [];
      for (const { doc } of invoicesOf(lead)) {
        const payment = await payments.status(doc.number);
        if (payment) lines.push(statusLine(t, doc.number, payment));
      }
      return lines;
    },
    async rows({ lead, t }) {
      const s = t.sales.payment;
      const invoices = invoicesOf(lead);
      // With one invoice the buttons need no number.
      const named = (doc: LeadDocumentRef) => (invoices.length > 1 ? doc.number : null);
      const rows: InlineKeyboardButton[][] = [];
      for (const { index, doc } of invoices) {
        const payment = await payments.status(doc.number);
        if (payment?.status === 'succeeded') {
          if (leftToRefund(payment) > 0)
            rows.push([
              button(
                s.refund(named(doc)),
                salesCallback({ kind: 'payment', action: 'ask', doc: index, leadId: lead.id }),
              ),
            ]);
        } else if (leadIsOpen(lead) && linkWanted(payment)) {
          rows.push([
            button(
              s.link(named(doc)),
              salesCallback({ kind: 'payment', action: 'link', doc: index, leadId: lead.id }),
            ),
          ]);
        }
      }
      return rows;
    },
    composer,
  };
}
