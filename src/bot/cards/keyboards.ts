/** The buttons each draft state allows, with our compact callback data. */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { CardView, Notice } from '../../responder/ports.js';
import { cb, fitsCallbackData } from '../callback-data.js';
import { salesCallback } from '../sales-callbacks.js';
import type { Texts } from '../../texts/index.js';

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });

function handBackRow(chatId: string, t: Texts): InlineKeyboardButton[][] {
  return fitsCallbackData({ kind: 'chat', action: 'back', chatId })
    ? [[button(t.buttons.handBack, cb.handBack(chatId))]]
    : [];
}

/**
 * `pending` answer/fallback: send, edit, regenerate, take over, dismiss. `pending` escalation: take over,
 * reply, let the AI answer. `failed`: retry. Final states: none, or "hand back" while the owner holds the chat.
 */
export function cardKeyboard(view: CardView, t: Texts): InlineKeyboardMarkup | undefined {
  const { draft, chat } = view;
  const id = draft.id;
  let rows: InlineKeyboardButton[][] = [];
  if (draft.status === 'pending' && draft.kind === 'escalation') {
    rows = [
      [button(t.buttons.take, cb.draft('take', id))],
      [button(t.buttons.reply, cb.draft('reply', id)), button(t.buttons.ai, cb.draft('ai', id))],
    ];
  } else if (draft.status === 'pending') {
    rows = [
      [button(t.buttons.send, cb.draft('send', id)), button(t.buttons.edit, cb.draft('edit', id))],
      [
        button(t.buttons.regen, cb.draft('regen', id)),
        button(t.buttons.take, cb.draft('take', id)),
        button(t.buttons.dismiss, cb.draft('dismiss', id)),
      ],
    ];
  } else if (draft.status === 'failed') {
    rows = [[button(t.buttons.retry, cb.draft('retry', id))]];
    if (chat.state === 'human') rows.push(...handBackRow(chat.id, t));
  } else if (chat.state === 'human') {
    rows = handBackRow(chat.id, t);
  }
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Auto-mode log entries offer 👎 (and ✍️ for a fallback); paused/human chats offer "hand back". */
export function noticeKeyboard(notice: Notice, t: Texts): InlineKeyboardMarkup | undefined {
  switch (notice.kind) {
    case 'auto-sent':
      return { inline_keyboard: [[button(t.buttons.bad, cb.bad(notice.view.draft.id))]] };
    case 'fallback-sent':
      return {
        inline_keyboard: [
          [
            button(t.buttons.reply, cb.draft('reply', notice.view.draft.id)),
            button(t.buttons.bad, cb.bad(notice.view.draft.id)),
          ],
        ],
      };
    case 'chat-paused':
    case 'buyer-in-human-chat': {
      const rows = handBackRow(notice.chat.id, t);
      return rows.length > 0 ? { inline_keyboard: rows } : undefined;
    }
  }
}

/** The draft card's way to its lead card (📇), under the draft's own buttons. */
export function withLeadButton(
  markup: InlineKeyboardMarkup | undefined,
  lead: { id: string } | null,
  t: Texts,
): InlineKeyboardMarkup | undefined {
  if (!lead || !markup) return markup;
  const row = [button(t.sales.buttons.card, salesCallback({ kind: 'open', leadId: lead.id }))];
  return { inline_keyboard: [...markup.inline_keyboard, row] };
}
