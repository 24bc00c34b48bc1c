/**
 * The lead card's conversations (@grammyjs/conversations, kept in the store like the edit): ❌ lost asks why
 * (quick reasons as buttons, or the owner's words), ✏️ asks for one brief field's new value (or 🧹 clears it)
 * until the value is accepted.
 */
import type { Conversation } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import { z } from 'zod';
import { formatBriefValue } from '../../sales/leads/brief/values.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { leadNumber } from '../cards/lead.js';
import { leadFailureToast, nextFlowInput, pickButton } from './sales-flow.js';

export const LEAD_LOST_CONVERSATION = 'lead-lost';
export const LEAD_BRIEF_CONVERSATION = 'lead-brief';
export const QUOTE_CONVERSATION = 'quote';
/** ↩️ another amount to refund (./lead-payment.ts). */
export const LEAD_REFUND_CONVERSATION = 'lead-refund';
/** Every sales conversation: one at a time per chat. */
export const SALES_CONVERSATIONS = [
  LEAD_LOST_CONVERSATION,
  LEAD_BRIEF_CONVERSATION,
  QUOTE_CONVERSATION,
  LEAD_REFUND_CONVERSATION,
];

const LostArgs = z.object({ leadId: z.string().min(1) });
const BriefArgs = z.object({ leadId: z.string().min(1), index: z.number().int().min(0) });
const Reason = z.string().trim().min(1).max(300);
const CANCEL = 99;

export function lostConversation(env: FeatureEnv) {
  return async function lost(conversation: Conversation<BotContext, Context>, ctx: Context, raw: unknown) {
    const args = LostArgs.safeParse(raw);
    const leads = env.sales?.leads;
    if (!args.success || !leads) return;
    const { leadId } = args.data;
    const t = env.t;
    const quick = t.sales.lost.quick;
    await ctx.reply(t.sales.lost.ask, {
      reply_markup: {
        inline_keyboard: [
          ...quick.map((reason, i) => [pickButton(reason, 'lost', i)]),
          [pickButton(t.sales.buttons.cancel, 'lost', CANCEL)],
        ],
      },
    });
    const actor = `tg:${ctx.from?.id ?? 'unknown'}`;
    for (;;) {
      const input = await nextFlowInput(conversation, ['lost'], { text: true });
      if (input.type === 'cancel' || (input.type === 'pick' && input.n === CANCEL)) {
        await ctx.reply(t.edit.cancelled);
        return;
      }
      const reason = Reason.safeParse(input.type === 'pick' ? quick[input.n] : input.text);
      if (!reason.success) continue;
      const result = await conversation.external(async () => {
        const r = await leads.markLost(leadId, reason.data, actor);
        return r.ok ? null : leadFailureToast(r, t);
      });
      await ctx.reply(result ?? t.sales.lost.done(escapeHtml(reason.data)), { parse_mode: 'HTML' });
      return;
    }
  };
}

export function briefConversation(env: FeatureEnv) {
  return async function brief(conversation: Conversation<BotContext, Context>, ctx: Context, raw: unknown) {
    const args = BriefArgs.safeParse(raw);
    const sales = env.sales;
    if (!args.success || !sales) return;
    const { leadId, index } = args.data;
    const t = env.t;
    const field = sales.config?.brief.fields[index];
    if (!field) return;
    const current = await conversation.external(async () => {
      const lead = await sales.leads.get(leadId);
      if (!lead) return null;
      const value = lead.brief[field.id]?.value;
      return {
        number: leadNumber(lead),
        value: value === undefined || value === null ? '—' : formatBriefValue(field, value),
      };
    });
    if (!current) {
      await ctx.reply(t.sales.toast.notFound);
      return;
    }
    await ctx.reply(
      `${t.sales.card.title(current.number)}\n${t.sales.brief.ask(escapeHtml(field.label), escapeHtml(cutText(current.value, 300, '')))}`,
      {
        parse_mode: 'HTML',
        reply_markup: {
          inline_keyboard: [
            [pickButton(t.sales.buttons.clear, 'brief', 1), pickButton(t.sales.buttons.cancel, 'brief', 0)],
          ],
        },
      },
    );
    const actor = `tg:${ctx.from?.id ?? 'unknown'}`;
    for (;;) {
      const input = await nextFlowInput(conversation, ['brief'], { text: true });
      if (input.type === 'cancel' || (input.type === 'pick' && input.n === 0)) {
        await ctx.reply(t.edit.cancelled);
        return;
      }
      const value = input.type === 'pick' ? null : input.text.slice(0, 1000);
      const outcome = await conversation.external(async () => {
        const r = await sales.leads.editBrief(leadId, field.id, value, actor);
        if (r.ok) {
          const stored = r.lead.brief[field.id]?.value;
          return {
            ok: true as const,
            shown: stored === undefined || stored === null ? null : formatBriefValue(field, stored),
          };
        }
        return { ok: false as const, text: leadFailureToast(r, t), retry: r.reason === 'invalid_value' };
      });
      if (outcome.ok) {
        const label = escapeHtml(field.label);
        await ctx.reply(
          outcome.shown === null
            ? t.sales.brief.cleared(label)
            : t.sales.brief.saved(label, escapeHtml(outcome.shown)),
          { parse_mode: 'HTML' },
        );
        return;
      }
      await ctx.reply(escapeHtml(outcome.text));
      if (!outcome.retry) return;
    }
  };
}
