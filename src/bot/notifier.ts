/**
 * The responder's way to Telegram: cards, notices and alerts, sent through `bot.api` (never a ctx, since
 * jobs call it outside any update).
 */
import type { Api } from 'grammy';
import { backoffDelay, sleep } from '../lib/retry.js';
import type { Logger } from '../logger.js';
import type { CardRef } from '../models/records.js';
import { channelOf } from '../responder/channel.js';
import type { CardView, Notice, Notifier } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { namesFor, rememberCard } from './card-index.js';
import { renderCard, renderNotice, type Rendered } from './cards/render.js';
import { isMessageGone, isNotModified, isTransientTelegramError } from './telegram-errors.js';
import type { Texts } from '../texts/index.js';

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

/** Drafts whose latest card this process remembers (see `latest` below): far more than are ever in flight. */
const REMEMBERED_CARDS = 1000;

/**
 * Builds the {@link Notifier}. `syncCard` edits the card in place ("not modified" counts as done), skips the
 * edit when this process last rendered the card exactly so, sends a fresh card when the old one was deleted,
 * and serialises calls per draft so two syncs never send two cards.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { api, store, logger, texts: t } = deps;
  const chains = new Map<string, Promise<unknown>>();
  /**
   * The card each draft last got from this notifier. A sync whose view was read before an earlier sync's card
   * was recorded on the draft (two syncs racing, e.g. an owner's reply and its delivery) would otherwise see
   * no card and send a second one; a card moved by `/chats` would be edited at its old place.
   */
  const latest = new Map<string, { card: CardRef; shows: string }>();
  /** `shows`: what the card was last rendered with, so a sync that would change nothing sends nothing. */
  const remember = (draftId: string, card: CardRef, shows: string) => {
    latest.delete(draftId);
    latest.set(draftId, { card, shows });
    if (latest.size > REMEMBERED_CARDS) latest.delete(latest.keys().next().value as string);
  };
  const contentOf = (r: Rendered) => JSON.stringify([r.text, r.replyMarkup ?? null]);

  /** Runs `work` after every earlier call for the same draft, so its card is never sent twice. */
  function serialised<T>(draftId: string, work: () => Promise<T>): Promise<T> {
    const run = (chains.get(draftId) ?? Promise.resolve()).catch(() => {}).then(work);
    chains.set(draftId, run);
    void run
      .finally(() => {
        if (chains.get(draftId) === run) chains.delete(draftId);
      })
      .catch(() => {});
    return run;
  }

  /** Telegram names of the people a card mentions (who approved, who took the chat over). */
  function namesOf(view: CardView): Promise<Map<string, string>> {
    const ids = [view.draft.approvedBy, view.takenOver?.by]
      .filter((actor): actor is string => actor?.startsWith('tg:') ?? false)
      .map((actor) => actor.slice(3));
    return namesFor(store.kv, ids);
  }
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

  /** The open lead of the draft's chat, for the card's stage line and 📇 button; none when it cannot be read. */
  async function leadOf(view: CardView) {
    try {
      const lead = await store.leads.findOpenByConversation(channelOf(view.chat.id), view.chat.id);
      return lead ? { id: lead.id, stage: lead.stage } : null;
    } catch (error) {
      logger.debug({ err: error, chatId: view.chat.id }, 'lead of the card not read');
      return null;
    }
  }

  async function sync(view: CardView): Promise<CardRef | null> {
    const rendered = renderCard(view, t, await namesOf(view), await leadOf(view));
    const content = contentOf(rendered);
    const target = { avitoChatId: view.chat.id, draftId: view.draft.id };
    const known = latest.get(view.draft.id);
    const card = known?.card ?? view.draft.card;
    // This notifier put exactly this on the card: an edit would only come back "not modified".
    if (card && known?.shows === content) return card;
    if (card) {
      try {
        await api.editMessageText(card.chatId, card.messageId, rendered.text, options(rendered));
        await rememberCard(store.kv, card.chatId, card.messageId, target);
        remember(view.draft.id, card, content);
        return card;
      } catch (error) {
        if (isNotModified(error)) {
          remember(view.draft.id, card, content);
          return card;
        }
        if (!isMessageGone(error)) throw error;
        logger.info({ draftId: view.draft.id, card }, 'card gone, sending a fresh one');
      }
    }
    const chatId = deps.notifyChatId ?? card?.chatId;
    if (!chatId) return null;
    const sent = await send(chatId, rendered, target);
    remember(view.draft.id, sent, content);
    return sent;
  }

  async function repost(view: CardView): Promise<CardRef | null> {
    const old = latest.get(view.draft.id)?.card ?? view.draft.card;
    const chatId = deps.notifyChatId ?? old?.chatId;
    if (!chatId) return null;
    const rendered = renderCard(view, t, await namesOf(view), await leadOf(view));
    const fresh = await send(chatId, rendered, { avitoChatId: view.chat.id, draftId: view.draft.id });
    remember(view.draft.id, fresh, contentOf(rendered));
    if (old && (old.chatId !== fresh.chatId || old.messageId !== fresh.messageId)) {
      // Without buttons: a tap on the old copy could only act on a card that no longer shows the truth.
      await api.editMessageText(old.chatId, old.messageId, t.card.movedBelow).catch((error: unknown) => {
        if (!isNotModified(error) && !isMessageGone(error)) throw error;
      });
    }
    return fresh;
  }

  return {
    syncCard: (view) => serialised(view.draft.id, () => sync(view)),
    repostCard: (view) => serialised(view.draft.id, () => repost(view)),

    async notify(notice: Notice) {
      if (!deps.notifyChatId) return;
      const r = renderNotice(notice, t);
      await send(deps.notifyChatId, r, { avitoChatId: r.avitoChatId, draftId: r.draftId });
    },

    async alert(key, alert) {
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
        await sendAlert(deps.notifyChatId, t.alert(alert, 'reason' in alert ? alert.reason : ''));
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
