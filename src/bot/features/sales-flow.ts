/**
 * What the sales screens share: waiting for the owner's next input in a conversation (a tap on this flow's
 * buttons, or a text), the prepared PDF sent to the owner with its buttons, and the tap toasts of lead actions.
 * Like the edit conversation, a flow lets the owner's other work go on: taps on other buttons and replies to
 * cards are passed on, `/cancel` ends it, another command ends it and runs.
 */
import type { Conversation } from '@grammyjs/conversations';
import { type Api, type Context, InputFile } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Lead } from '../../models/records.js';
import type { DeskDocument, DeskFailure } from '../../sales/delivery/desk.js';
import type { LeadActionFailure } from '../../sales/leads/owner.js';
import { rublesForBuyer } from '../../sales/pricing/price-question.js';
import type { BotContext } from '../context.js';
import { escapeHtml } from '../html.js';
import { salesCallback } from '../sales-callbacks.js';
import type { Texts } from '../../texts/index.js';

/** How long a sales conversation waits for each answer. */
export const SALES_FLOW_TIMEOUT_MS = 10 * 60_000;

export type FlowInput =
  { type: 'text'; text: string } | { type: 'pick'; n: number; ctx: Context } | { type: 'cancel' };

export const pickButton = (text: string, flow: string, n: number): InlineKeyboardButton => ({
  text,
  callback_data: salesCallback({ kind: 'pick', flow, n }),
});

/** The owner's next input for `flows` (taps on other buttons, replies to cards and files are passed on). */
export async function nextFlowInput(
  conversation: Conversation<BotContext, Context>,
  flows: readonly string[],
  options: { text: boolean },
): Promise<FlowInput> {
  for (;;) {
    const ctx = await conversation.wait({ maxMilliseconds: SALES_FLOW_TIMEOUT_MS });
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const match = /^y:([a-z]{1,8}):(\d{1,3})$/.exec(data);
      if (match && flows.includes(match[1]!)) {
        await ctx.answerCallbackQuery().catch(() => {});
        return { type: 'pick', n: Number(match[2]), ctx };
      }
      await conversation.skip({ next: true });
    }
    const message = ctx.message;
    if (!message || message.document || message.reply_to_message) await conversation.skip({ next: true });
    const text = message?.text;
    if (text === undefined) return conversation.skip({ next: true });
    if (text.startsWith('/')) {
      const command = text.slice(1).split(/[\s@]/, 1)[0]?.toLowerCase() ?? '';
      if (command === 'cancel') return { type: 'cancel' };
      await conversation.halt({ next: true });
    }
    if (!options.text) await conversation.skip({ next: true });
    return { type: 'text', text };
  }
}

/** The toast for a lead action that did not happen. */
export function leadFailureToast(failure: LeadActionFailure, t: Texts): string {
  if (failure.reason === 'not_found') return t.sales.toast.notFound;
  if (failure.reason === 'conflict') return t.sales.toast.conflict;
  if (failure.reason === 'invalid_value') return t.sales.brief.invalid(failure.error);
  return t.sales.toast.refused;
}

/** Why a document could not be made or sent, as the owner reads it. */
export function deskFailureText(failure: DeskFailure, t: Texts): string {
  const d = t.sales.doc;
  switch (failure.reason) {
    case 'not_found':
      return t.sales.toast.notFound;
    case 'no_order':
      return d.noOrder;
    case 'missing_requisites':
      return d.missing(failure.missing.join(', '));
    case 'too_large':
      return d.tooLarge;
    case 'quote_error':
      return d.quoteError(escapeHtml(failure.message));
    case 'stale':
      return t.sales.toast.stale;
    case 'not_delivered':
      return d.notDelivered;
  }
}

/** ✅ / 🔄 / ✖️ under a prepared PDF. */
export function pdfKeyboard(documentId: string, t: Texts) {
  const b = t.sales.buttons;
  return {
    inline_keyboard: [
      [{ text: b.sendDoc, callback_data: salesCallback({ kind: 'pdf', action: 'send', documentId }) }],
      [
        { text: b.regenDoc, callback_data: salesCallback({ kind: 'pdf', action: 'regen', documentId }) },
        { text: b.cancelDoc, callback_data: salesCallback({ kind: 'pdf', action: 'cancel', documentId }) },
      ],
    ],
  };
}

/** Sends the owner a prepared PDF (`sendDocument`) with its buttons. */
export async function showPreparedDocument(
  api: Api,
  chatId: number | string,
  prepared: { document: DeskDocument; pdf: Uint8Array },
  lead: Lead | null,
  t: Texts,
): Promise<void> {
  const { document, pdf } = prepared;
  const buyer = escapeHtml(lead?.contact.name ?? t.sales.noName);
  await api.sendDocument(chatId, new InputFile(Buffer.from(pdf), document.fileName), {
    caption: t.sales.doc.caption(escapeHtml(document.title), rublesForBuyer(document.total), buyer),
    parse_mode: 'HTML',
    reply_markup: pdfKeyboard(document.id, t),
  });
}
