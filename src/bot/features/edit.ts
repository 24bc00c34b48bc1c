/**
 * ✏️ Edit and ✍️ Reply as a conversation (@grammyjs/conversations v2), kept in our store so an edit in
 * progress survives a restart. While it waits, the owner's other work goes on (pitfall 1): taps on other
 * cards, menus and commands are skipped with `next: true` so their handlers run; `/cancel` leaves; `/upload`
 * or a file leaves and lets the upload flow start; a wait longer than 10 minutes ends the edit.
 */
import {
  type Conversation,
  type ConversationStorage,
  type ConversationData,
  type VersionedState,
} from '@grammyjs/conversations';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Context } from 'grammy';
import { z } from 'zod';
import type { KvRepository } from '../../store/port.js';
import { cb, parseCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { MAX_OWNER_TEXT, type FeatureEnv } from '../env.js';
import { cutText, escapeHtml, MESSAGE_BUDGET } from '../html.js';
import { resultToast } from '../answer.js';
import { RETRY_OPTIONS } from '../retry.js';

export const EDIT_CONVERSATION = 'edit';
/** How long the conversation waits for each answer of the owner. */
export const EDIT_TIMEOUT_MS = 10 * 60_000;

const EditArgsSchema = z.object({ draftId: z.string().min(1), mode: z.enum(['edit', 'reply']) });
export type EditArgs = z.infer<typeof EditArgsSchema>;

const OwnerText = z.string().trim().min(1).max(MAX_OWNER_TEXT);

/** Commands that end the edit and run (they start a flow of their own). */
const LEAVING_COMMANDS = new Set(['upload']);

/** Conversation state in the store's kv under `conv:<chat>:<user>`, versioned so a code change drops old state. */
export function conversationStorage(kv: KvRepository): ConversationStorage<BotContext, ConversationData> {
  return {
    type: 'key',
    version: 1,
    prefix: 'conv:',
    getStorageKey: (ctx) =>
      ctx.chatId !== undefined && ctx.from ? `${ctx.chatId}:${ctx.from.id}` : undefined,
    adapter: {
      read: async (key) => (await kv.get<VersionedState<ConversationData>>(key)) ?? undefined,
      write: async (key, state) => {
        await kv.set(key, state, 7 * 24 * 3600_000);
      },
      delete: async (key) => {
        await kv.delete(key);
      },
    },
  };
}

type Input =
  { type: 'text'; text: string } | { type: 'cancel' } | { type: 'decision'; ok: boolean; ctx: Context };

/** The conversation builder; `env` is captured, so replays see the same dependencies. */
export function editConversation(env: FeatureEnv) {
  const { t, store, actions } = env;

  /** The owner's next input for this edit; everything else is passed on to the rest of the bot. */
  async function nextInput(
    conversation: Conversation<BotContext, Context>,
    draftId: string,
    own: number[],
  ): Promise<Input> {
    for (;;) {
      const ctx = await conversation.wait({ maxMilliseconds: EDIT_TIMEOUT_MS });
      if (ctx.callbackQuery) {
        const data = parseCallbackData(ctx.callbackQuery.data);
        if (data?.kind === 'edit' && data.draftId === draftId)
          return { type: 'decision', ok: data.action === 'ok', ctx };
        await conversation.skip({ next: true });
      }
      const message = ctx.message;
      if (!message) await conversation.skip({ next: true });
      if (message?.document) await conversation.halt({ next: true });
      const text = message?.text;
      if (text === undefined) await conversation.skip({ next: true });
      if (text?.startsWith('/')) {
        const command = text.slice(1).split(/[\s@]/, 1)[0]?.toLowerCase() ?? '';
        if (command === 'cancel') return { type: 'cancel' };
        if (LEAVING_COMMANDS.has(command)) await conversation.halt({ next: true });
        await conversation.skip({ next: true });
      }
      // A reply to another card is a reply-to-card, not this edit's text.
      const repliedTo = message?.reply_to_message?.message_id;
      if (repliedTo !== undefined && !own.includes(repliedTo)) await conversation.skip({ next: true });
      const parsed = OwnerText.safeParse(text);
      if (parsed.success) return { type: 'text', text: parsed.data };
      await ctx.reply(text?.trim() ? t.edit.tooLong(MAX_OWNER_TEXT) : t.edit.empty);
    }
  }

  return async function edit(
    conversation: Conversation<BotContext, Context>,
    ctx: Context,
    raw: unknown,
  ): Promise<void> {
    const args = EditArgsSchema.safeParse(raw);
    if (!args.success) return;
    const { draftId, mode } = args.data;
    const draft = await conversation.external(async () => {
      const d = await store.drafts.get(draftId);
      return d ? { status: d.status, text: d.text, chatId: d.chatId } : null;
    });
    if (!draft) {
      await ctx.reply(t.toast.notFound);
      return;
    }
    if (mode === 'edit' && draft.status !== 'pending') {
      await ctx.reply(t.edit.notPending);
      return;
    }
    const prompt =
      mode === 'edit'
        ? t.edit.prompt(escapeHtml(cutText(draft.text, MESSAGE_BUDGET - 300, t.cutMarker)))
        : t.edit.replyPrompt;
    const own = [(await ctx.reply(prompt, { parse_mode: 'HTML' })).message_id];
    const actor = `tg:${ctx.from?.id ?? 'unknown'}`;

    let input = await nextInput(conversation, draftId, own);
    for (;;) {
      if (input.type === 'cancel') {
        await ctx.reply(t.edit.cancelled);
        return;
      }
      if (input.type === 'text') {
        const preview = await ctx.reply(t.edit.preview(escapeHtml(input.text)), {
          parse_mode: 'HTML',
          reply_markup: {
            inline_keyboard: [
              [
                { text: t.buttons.send, callback_data: cb.edit('ok', draftId) },
                { text: t.buttons.cancel, callback_data: cb.edit('no', draftId) },
              ],
            ],
          },
        });
        own.push(preview.message_id);
        const text = input.text;
        input = await nextInput(conversation, draftId, own);
        if (input.type !== 'decision') continue;
        const tap = input.ctx;
        if (!input.ok) {
          await tap.answerCallbackQuery({ text: t.edit.cancelled.slice(0, 190) }).catch(() => {});
          await tap.editMessageReplyMarkup().catch(() => {});
          await ctx.reply(t.edit.cancelled);
          return;
        }
        const result = await conversation.external(async () => {
          const r =
            mode === 'edit'
              ? await actions.editAndApprove(draftId, text, actor)
              : await actions.replyToBuyer(draft.chatId, text, actor, draftId);
          return resultToast(r, mode === 'edit' ? t.toast.edited : t.reply.relayed, t);
        });
        await tap.answerCallbackQuery({ text: result.slice(0, 190) }).catch(() => {});
        await tap.editMessageReplyMarkup().catch(() => {});
        return;
      }
      // A tap on an old preview's buttons before any text: wait again.
      await input.ctx.answerCallbackQuery().catch(() => {});
      input = await nextInput(conversation, draftId, own);
    }
  };
}

/** Bot API transformers do not reach the conversation's own Api (pitfall 2): install auto-retry again. */
export const conversationPlugins = [
  async (ctx: Context, next: () => Promise<void>) => {
    ctx.api.config.use(autoRetry(RETRY_OPTIONS));
    await next();
  },
];
