/**
 * The responder's way to Telegram: cards, notices and alerts, sent through `bot.api` (never a ctx, since
 * jobs call it outside any update).
 */
import type { Api } from 'grammy';
import { backoffDelay, sleep } from '../lib/retry.js';
import type { Logger } from '../logger.js';
import type { CardRef } from '../models/records.js';
import type { CardView, Notice, Notifier } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { namesFor, rememberCard } from './card-index.js';
import { renderCard, renderNotice, type Rendered } from './cards/render.js';
import { isMessageGone, isNotModified, isTransientTelegramError } from './telegram-errors.js';
import type { Texts } from './texts.js';

export interface NotifierDeps {
  api: Api;
  store: Store;
  logger: Logger;
  texts: Texts;
  /** Where cards go (`TELEGRAM_NOTIFY_CHAT_ID`); without it nothing is sent. */
  notifyChatId: string | undefined;
}

const ALERT_PREFIX = 'alert:';
/**
 * An alert is sent in the background, so it can outlast a flood-limit burst that the per-call auto-retry gives
 * up on: up to this many rounds (each with auto-retry inside), a few seconds apart.
 */
const ALERT_ROUNDS = 5;

/**
 * Builds the {@link Notifier}. `syncCard` edits the card in place ("not modified" counts as done), sends a
 * fresh card when the old one was deleted, and serialises calls per draft so two syncs never send two cards.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { api, store, logger, texts: t } = deps;
  const chains = new Map<string, Promise<unknown>>();
  /** Alerts raised while the store could not record them (the alert may be about the store itself). */
  const openWithoutStore = new Set<string>();

  const options = (r: Rendered) => ({
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    ...(r.replyMarkup ? { reply_markup: r.replyMarkup } : {}),
  });

  /** An alert waits out transient failures (flood limits above all) for up to {@link ALERT_ROUNDS} rounds. */
  async function sendAlert(chatId: string, text: string): Promise<void> {
    for (let round = 1; ; round += 1) {
      try {
        await api.sendMessage(chatId, text);
        return;
      } catch (error) {
        if (round >= ALERT_ROUNDS || !isTransientTelegramError(error)) throw error;
        await sleep(backoffDelay(round, 2000, 15_000));
      }
    }
  }

  async function send(chatId: string, r: Rendered, target: { avitoChatId: string; draftId: string | null }) {
    const sent = await api.sendMessage(chatId, r.text, options(r));
    await rememberCard(store.kv, sent.chat.id, sent.message_id, target);
    return { chatId: String(sent.chat.id), messageId: sent.message_id };
  }

  async function sync(view: CardView): Promise<CardRef | null> {
    const approver = view.draft.approvedBy?.startsWith('tg:') ? [view.draft.approvedBy.slice(3)] : [];
    const rendered = renderCard(view, t, await namesFor(store.kv, approver));
    const target = { avitoChatId: view.chat.id, draftId: view.draft.id };
    const card = view.draft.card;
    if (card) {
      try {
        await api.editMessageText(card.chatId, card.messageId, rendered.text, options(rendered));
        await rememberCard(store.kv, card.chatId, card.messageId, target);
        return card;
      } catch (error) {
        if (isNotModified(error)) return card;
        if (!isMessageGone(error)) throw error;
        logger.info({ draftId: view.draft.id, card }, 'card gone, sending a fresh one');
      }
    }
    const chatId = deps.notifyChatId ?? card?.chatId;
    if (!chatId) return null;
    return send(chatId, rendered, target);
  }

  return {
    syncCard(view) {
      const key = view.draft.id;
      const run = (chains.get(key) ?? Promise.resolve()).catch(() => {}).then(() => sync(view));
      chains.set(key, run);
      void run
        .finally(() => {
          if (chains.get(key) === run) chains.delete(key);
        })
        .catch(() => {});
      return run;
    },

    async notify(notice: Notice) {
      if (!deps.notifyChatId) return;
      const r = renderNotice(notice, t);
      await send(deps.notifyChatId, r, { avitoChatId: r.avitoChatId, draftId: r.draftId });
    },

    async alert(key, text) {
      if (!deps.notifyChatId || openWithoutStore.has(key)) return;
      let first: boolean;
      try {
        first = await store.kv.setIfAbsent(`${ALERT_PREFIX}${key}`, { at: new Date().toISOString() });
      } catch {
        // A store that cannot write must not keep the owner from hearing about it: remembered here instead.
        openWithoutStore.add(key);
        first = true;
      }
      if (!first) return;
      try {
        await sendAlert(deps.notifyChatId, t.alert(text));
        logger.warn({ alert: key }, 'owner alerted');
      } catch (error) {
        // Not sent: forget the key so the next alert tries again.
        openWithoutStore.delete(key);
        await store.kv.delete(`${ALERT_PREFIX}${key}`).catch(() => {});
        throw error;
      }
    },

    async resolve(key) {
      openWithoutStore.delete(key);
      await store.kv.delete(`${ALERT_PREFIX}${key}`);
    },
  };
}
