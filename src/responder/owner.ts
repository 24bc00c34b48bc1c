/** The owner's settings and screens that are not about one draft: mode, pause, `/chats`. */
import type { Mode } from '../models/records.js';
import { loadView, type ResponderDeps } from './deps.js';
import { modeStatus } from './mode.js';
import type { OwnerControls } from './ports.js';

/** The owner's controls; they need no job queue or channel, only the store, the settings and the notifier. */
export function createOwnerControls(
  deps: Pick<ResponderDeps, 'store' | 'config' | 'logger' | 'notifier'>,
): OwnerControls {
  const { store, config, logger } = deps;
  const current = async () => modeStatus(await store.settings.get(), config.responder.mode);

  return {
    mode: current,

    async setMode(mode, actor) {
      const before = await current();
      await store.settings.update({ mode });
      if (before.mode !== mode) {
        await store.audit.append({ actor, action: 'settings.mode', before: before.mode, after: mode });
        logger.info({ mode, actor }, 'mode changed');
      }
      return { ...before, mode };
    },

    async setChatMode(chatId, mode: Mode | null, actor) {
      const chat = await store.chats.get(chatId);
      if (!chat) return null;
      if (chat.mode === mode) return chat;
      const changed = await store.chats.upsert({ id: chatId, mode });
      await store.audit.append({ actor, action: 'chat.mode', chatId, before: chat.mode, after: mode });
      return changed;
    },

    async setPaused(paused, actor) {
      await store.settings.update({ paused });
      await store.audit.append({ actor, action: paused ? 'settings.pause' : 'settings.resume' });
      logger.info({ paused, actor }, 'global pause changed');
      return current();
    },

    pendingDrafts: (limit) => store.drafts.listByStatus(['pending'], limit),

    async resendCard(draftId) {
      const draft = await store.drafts.get(draftId);
      const view = draft && (await loadView(store, draft));
      if (!view) return null;
      // A fresh copy at the bottom; the old one says it moved, and the draft points at the new one.
      const card = await deps.notifier.repostCard(view);
      if (card) await store.drafts.update(draftId, { card });
      return card;
    },

    humanChats: (limit) => store.chats.listByState('human', limit),
  };
}
