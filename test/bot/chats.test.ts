import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf } from '../../sim/telegram/actors.js';
import { textsFor } from '../../src/texts/index.js';
import { eventually } from '../support/service.js';
import { type Harness, seedDraft, showCard, startHarness } from './harness.js';

const ru = textsFor('ru');

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

const message = (id: number) => h.sim.chat(h.owner).messages.find((m) => m.message_id === id);
/** Bot messages that still offer a button acting on the draft. */
const liveCardsOf = (draftId: string) =>
  h.sim
    .chat(h.owner)
    .messages.filter((m) => buttonsOf(m.reply_markup).some((b) => b.callback_data?.endsWith(draftId)));

describe('/chats', () => {
  it('when /chats shows a pending card again, then the old copy says it moved and loses its buttons, and later updates reach the new one', async () => {
    const seeded = await seedDraft(h.store);
    const { ref: old } = await showCard(h, seeded);

    h.sim.userSends(h.owner, '/chats');
    const fresh = await eventually(async () => {
      const card = (await h.store.drafts.get(seeded.draft.id))?.card;
      return card && card.messageId !== old.messageId ? card : null;
    });
    await eventually(() => message(old.messageId)?.text === ru.card.movedBelow);
    expect(message(old.messageId)?.reply_markup).toBeUndefined();
    expect(liveCardsOf(seeded.draft.id).map((m) => m.message_id)).toEqual([fresh.messageId]);

    // A tap on the new card acts, and the card it re-renders is the new one.
    await h.sim.tap(h.owner, fresh.messageId, '✖️ Отклонить').waitForAnswer();
    await eventually(() => message(fresh.messageId)?.text?.includes('✖️ отклонено'));
    expect(message(old.messageId)?.text).toBe(ru.card.movedBelow);
  });

  it('when /chats is sent twice, then each pending draft keeps exactly one card with live buttons', async () => {
    const one = await showCard(h, await seedDraft(h.store));
    const two = await showCard(h, await seedDraft(h.store));
    for (let round = 1; round <= 2; round++) {
      h.sim.userSends(h.owner, '/chats');
      await eventually(async () => {
        const headers = h.sim.chat(h.owner).messages.filter((m) => m.text?.includes('Ждут решения'));
        return headers.length === round && h.sim.chat(h.owner).messages.at(-1)?.text?.includes('ведёте сами');
      });
    }
    expect(liveCardsOf(one.draft.id)).toHaveLength(1);
    expect(liveCardsOf(two.draft.id)).toHaveLength(1);
  });
});
