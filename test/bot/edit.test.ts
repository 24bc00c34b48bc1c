import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/service.js';
import { type Harness, seedDraft, showCard, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

const botTexts = () =>
  h.sim
    .chat(h.owner)
    .messages.filter((m) => m.from?.id === h.sim.bot.id)
    .map((m) => m.text ?? '');
const waitForBotText = (part: string) =>
  h.sim.waitFor(() =>
    h.sim.chat(h.owner).messages.find((m) => m.from?.id === h.sim.bot.id && m.text?.includes(part)),
  );

describe('✏️ edit conversation', () => {
  it('when the owner edits, runs /mode auto and taps another card while it waits, then all work and the edit still completes', async () => {
    const one = await seedDraft(h.store, { text: 'Старый <текст>' });
    const two = await seedDraft(h.store);
    const card1 = await showCard(h, one);
    const card2 = await showCard(h, two);

    expect((await h.sim.tap(h.owner, card1.ref.messageId, '✏️ Изменить').waitForAnswer()).text).toBe(
      '✏️ Пришлите новый текст',
    );
    const prompt = await waitForBotText('Текущий текст');
    expect(prompt.text).toContain('Старый <текст>');
    expect(prompt.entities?.some((e) => e.type === 'code')).toBe(true);

    h.sim.userSends(h.owner, '/mode auto');
    await waitForBotText('Режим: 🤖 Авто');
    expect((await h.store.settings.get()).mode).toBe('auto');

    const other = await h.sim.tap(h.owner, card2.ref.messageId, '✖️ Отклонить').waitForAnswer();
    expect(other.text).toBe('✖️ Отклонено');
    expect(h.actions.named('dismiss')[0]?.args[0]).toBe(two.draft.id);

    h.sim.userSends(h.owner, 'Новый текст & <цена> 11 000 ₽');
    const preview = await waitForBotText('Так уйдёт покупателю');
    expect(preview.text).toContain('Новый текст & <цена> 11 000 ₽');
    const ok = await h.sim.tap(h.owner, preview.message_id, '✅ Отправить').waitForAnswer();
    expect(ok.text).toBe('✅ Отправляю изменённый текст');
    expect(h.actions.named('editAndApprove')).toEqual([
      { method: 'editAndApprove', args: [one.draft.id, 'Новый текст & <цена> 11 000 ₽', `tg:${h.owner}`] },
    ]);
    expect(botTexts().filter((t) => t.includes('Не понял'))).toEqual([]);
    await eventually(async () => (await h.store.kv.get(`conv:${h.owner}:${h.owner}`)) === null);
  });

  it('when the owner sends /cancel, then the edit ends and a later text is not taken as the new draft', async () => {
    const one = await seedDraft(h.store);
    const card = await showCard(h, one);
    await h.sim.tap(h.owner, card.ref.messageId, '✏️ Изменить').waitForAnswer();
    await waitForBotText('Текущий текст');
    h.sim.userSends(h.owner, '/cancel');
    await waitForBotText('Отменено, черновик не изменён');
    h.sim.userSends(h.owner, 'просто текст');
    await waitForBotText('Не понял');
    expect(h.actions.named('editAndApprove')).toHaveLength(0);
  });

  it('when the bot restarts mid-edit, then a new instance on the same store continues the conversation', async () => {
    const one = await seedDraft(h.store);
    const card = await showCard(h, one);
    await h.sim.tap(h.owner, card.ref.messageId, '✏️ Изменить').waitForAnswer();
    await waitForBotText('Текущий текст');
    // The plugin stores the conversation when the update's handling ends, just after the prompt goes out.
    await eventually(async () => (await h.store.kv.get(`conv:${h.owner}:${h.owner}`)) !== null);

    await h.restart();
    h.sim.userSends(h.owner, 'Текст после перезапуска');
    const preview = await waitForBotText('Так уйдёт покупателю');
    expect(preview.text).toContain('Текст после перезапуска');
    await h.sim.tap(h.owner, preview.message_id, '✅ Отправить').waitForAnswer();
    expect(h.actions.named('editAndApprove')[0]?.args.slice(0, 2)).toEqual([
      one.draft.id,
      'Текст после перезапуска',
    ]);
  });

  it('when ✍️ is tapped on an escalation, then the typed text goes to the buyer through replyToBuyer', async () => {
    const one = await seedDraft(h.store, { kind: 'escalation', text: '', findings: ['скидка'] });
    const card = await showCard(h, one);
    await h.sim.tap(h.owner, card.ref.messageId, '✍️ Ответить').waitForAnswer();
    await waitForBotText('Пришлите текст, который уйдёт покупателю');
    h.sim.userSends(h.owner, 'Скидка 5%');
    const preview = await waitForBotText('Так уйдёт покупателю');
    await h.sim.tap(h.owner, preview.message_id, '✅ Отправить').waitForAnswer();
    expect(h.actions.named('replyToBuyer')).toEqual([
      { method: 'replyToBuyer', args: [one.chat.id, 'Скидка 5%', `tg:${h.owner}`, one.draft.id] },
    ]);
  });
});

describe('reply to a card', () => {
  it("when the owner replies to a card with text, then it is relayed with the card's chat and draft", async () => {
    const one = await seedDraft(h.store);
    const card = await showCard(h, one);
    h.sim.userReplies({ chatId: h.owner, messageId: card.ref.messageId }, 'Приезжайте завтра');
    await waitForBotText('Отправляю покупателю');
    expect(h.actions.named('replyToBuyer')).toEqual([
      { method: 'replyToBuyer', args: [one.chat.id, 'Приезжайте завтра', `tg:${h.owner}`, one.draft.id] },
    ]);
  });
});
