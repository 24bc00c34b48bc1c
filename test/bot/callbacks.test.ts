import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, seedDraft, showCard, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.dispose();
});

describe('owner guard', () => {
  it('when a stranger writes several times, then they get one polite refusal and nothing reaches the features', async () => {
    const stranger = { id: 5005, first_name: 'Stranger' };
    h.sim.userSends({ user: stranger }, '/mode auto');
    await h.sim.waitFor(() => h.sim.lastBotMessage(5005));
    h.sim.userSends({ user: stranger }, 'привет');
    h.sim.userSends({ user: stranger }, '/status');
    await h.sim.waitFor(() => h.sim.pendingUpdates().length === 0);
    await new Promise((r) => setTimeout(r, 150));
    const replies = h.sim.chat(5005).messages.filter((m) => m.from?.id === h.sim.bot.id);
    expect(replies.map((m) => m.text)).toEqual([
      'Извините, этот бот управляет ответами продавца и принимает команды только от владельца.',
    ]);
    expect((await h.store.settings.get()).mode).toBeUndefined();
    expect(h.logs.some((l) => l.includes('update from a non-owner ignored') && l.includes('5005'))).toBe(
      true,
    );
  });

  it('when a stranger who has blocked the bot writes, then the refused reply is a warning, not an error', async () => {
    const stranger = { id: 5006, first_name: 'Blocker' };
    // The message arrives, and by the time the refusal goes out the stranger has blocked the bot.
    h.sim.userSends({ user: stranger }, 'привет');
    h.sim.blockBot(5006);
    await h.sim.waitFor(() => h.logs.some((l) => l.includes('reply to a non-owner refused')), 5000);
    expect(h.logs.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
  });

  it('when a non-owner taps a card in a staff group, then the tap is refused and no action runs', async () => {
    const group = -100777;
    h.sim.addChat({ id: group, type: 'group', title: 'Staff' });
    const h2 = h; // cards go to the configured notify chat; send one to the group directly
    const seeded = await seedDraft(h2.store);
    const ref = await h2.handle.notifier.syncCard(seeded);
    expect(ref).not.toBeNull();
    const api = h.handle.bot.api;
    const sent = await api.sendMessage(group, 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: `d:send:${seeded.draft.id}` }]] },
    });
    const tap = h.sim.tap(group, sent.message_id, 'ok', { id: 6006, is_bot: false, first_name: 'Clerk' });
    const answer = await tap.waitForAnswer();
    expect(answer.text).toBe('Только владелец может это сделать.');
    expect(h.actions.named('approve')).toHaveLength(0);
  });
});

describe('card taps', () => {
  it('when ✅ is tapped twice, then approve runs twice, the second toast says already handled and both taps are answered', async () => {
    const seeded = await seedDraft(h.store);
    const { ref } = await showCard(h, seeded);
    const first = h.sim.tap(h.owner, ref.messageId, '✅ Отправить');
    const second = h.sim.tap(h.owner, ref.messageId, `d:send:${seeded.draft.id}`);
    const [a1, a2] = await Promise.all([first.waitForAnswer(), second.waitForAnswer()]);
    expect(a1.text).toBe('✅ Отправляю');
    expect(a2.text).toBe('Уже обработано');
    expect(h.actions.named('approve')).toEqual([
      { method: 'approve', args: [seeded.draft.id, `tg:${h.owner}`] },
      { method: 'approve', args: [seeded.draft.id, `tg:${h.owner}`] },
    ]);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('⏳ отправляется');
    expect(card.reply_markup).toBeUndefined();
  });

  it('when callback data is forged or unknown, then the tap is answered with a short text', async () => {
    const api = h.handle.bot.api;
    const sent = await api.sendMessage(h.owner, 'old', {
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'bad', callback_data: 'd:send:../../etc' },
            { text: 'junk', callback_data: 'zzz' },
          ],
        ],
      },
    });
    expect((await h.sim.tap(h.owner, sent.message_id, 'bad').waitForAnswer()).text).toBe('Кнопка устарела');
    expect((await h.sim.tap(h.owner, sent.message_id, 'junk').waitForAnswer()).text).toBe('Кнопка устарела');
    expect(h.actions.calls).toHaveLength(0);
  });

  it('when 🙋 and then «Вернуть ИИ» are tapped, then the chat is taken over and handed back', async () => {
    const seeded = await seedDraft(h.store);
    const { ref } = await showCard(h, seeded);
    const take = await h.sim.tap(h.owner, ref.messageId, '🙋 Беру на себя').waitForAnswer();
    expect(take.text).toContain('Чат ваш');
    expect(h.actions.named('takeOver')[0]?.args[0]).toBe(seeded.chat.id);
    const paused = await h.store.chats.get(seeded.chat.id);
    await h.handle.notifier.notify({
      kind: 'chat-paused',
      chat: paused!,
      until: new Date(Date.now() + 3600_000),
    });
    const notice = h.sim.lastBotMessage(h.owner)!;
    const back = await h.sim.tap(h.owner, notice.message_id, '🤖 Вернуть ИИ').waitForAnswer();
    expect(back.text).toContain('ИИ снова отвечает');
    expect((await h.store.chats.get(seeded.chat.id))?.state).toBe('ai');
  });
});
