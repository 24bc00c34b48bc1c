import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCallbackData } from '../../src/bot/callback-data.js';
import { renderCard } from '../../src/bot/cards/render.js';
import { codePoints } from '../../src/bot/html.js';
import { textsFor } from '../../src/texts/index.js';
import type { Draft } from '../../src/models/records.js';
import { unansweredFinding, unsupportedFinding } from '../../src/rag/findings.js';
import { encodeDeliveryProblem } from '../../src/responder/delivery-problem.js';
import { buttonsOf } from '../../sim/telegram/actors.js';
import { type Harness, seedDraft, showCard, startHarness } from './harness.js';

const ru = textsFor('ru');

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ start: false });
  await h.handle.bot.init();
});
afterEach(async () => {
  await h.dispose();
});

const labels = (markup: unknown) => buttonsOf(markup).map((b) => b.text);
const datas = (markup: unknown) => buttonsOf(markup).map((b) => b.callback_data ?? '');

describe('draft cards', () => {
  it('when a pending answer is synced, then the card shows listing, buyer, messages, draft, sources, label and the five buttons', async () => {
    const seeded = await seedDraft(h.store);
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('Велосипед Stels · 12 000 ₽');
    expect(card.text).toContain('Иван');
    expect(card.text).toContain('Есть в наличии?');
    expect(card.text).toContain('Да, есть. Цена 12 000 ₽.');
    expect(card.text).toContain('Каталог');
    expect(card.text).toContain(ru.card.grounded);
    expect(labels(card.reply_markup)).toEqual([
      '✅ Отправить',
      '✏️ Изменить',
      '🔄 Заново',
      '🙋 Беру на себя',
      '✖️ Отклонить',
    ]);
    expect(datas(card.reply_markup)).toContain(`d:send:${seeded.draft.id}`);
    for (const data of datas(card.reply_markup)) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCallbackData(data)).not.toBeNull();
    }
  });

  it('when an escalation is pending, then its reason and take over / reply / let AI buttons are shown', async () => {
    const seeded = await seedDraft(h.store, {
      kind: 'escalation',
      text: '',
      findings: ['покупатель просит скидку'],
    });
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('Нужен человек: покупатель просит скидку');
    expect(labels(card.reply_markup)).toEqual(['🙋 Беру на себя', '✍️ Ответить', '🤖 Пусть отвечает ИИ']);
  });

  it('when buyer and AI texts hold <script>&, then they are escaped and shown literally', async () => {
    const seeded = await seedDraft(h.store, { text: 'Ответ <b>не жирный</b> & <script>' }, {}, [
      { text: '<script>alert(1)</script> & Co' },
    ]);
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('<script>alert(1)</script> & Co');
    expect(card.text).toContain('Ответ <b>не жирный</b> & <script>');
    expect(
      card.entities?.some(
        (e) => e.type === 'bold' && card.text!.slice(e.offset, e.offset + e.length) === 'не жирный',
      ),
    ).toBe(false);
  });

  it('when a draft is 5000 characters, then the card is cut under 4096 with a visible marker', async () => {
    const seeded = await seedDraft(h.store, { text: 'я'.repeat(5000) });
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(codePoints(card.text!)).toBeLessThan(4096);
    expect(card.text).toContain(ru.cutMarker);
    expect(labels(card.reply_markup)).toContain('✅ Отправить');
  });

  it('when buyer messages are photos and voice, then they are described by type', async () => {
    const seeded = await seedDraft(h.store, {}, {}, [
      { type: 'image', text: null },
      { type: 'voice', text: null },
      { type: 'text', text: 'Это он?' },
    ]);
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('📷 покупатель прислал фото');
    expect(card.text).toContain('🎤 покупатель прислал голосовое сообщение');
    expect(card.text).toContain('Это он?');
  });

  it('when the draft moves through final states, then the same card is edited with the right status and buttons', async () => {
    await h.store.kv.set('tg:name:1001', 'Owner');
    const seeded = await seedDraft(h.store);
    const { ref, draft } = await showCard(h, seeded);
    const show = async (patch: Partial<Draft>) => {
      const r = await h.handle.notifier.syncCard({ ...seeded, draft: { ...draft, card: ref, ...patch } });
      expect(r).toEqual(ref);
      return h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    };
    let card = await show({ status: 'sending', approvedBy: 'tg:1001' });
    expect(card.text).toContain('⏳ отправляется');
    expect(card.reply_markup).toBeUndefined();
    card = await show({ status: 'sent', approvedBy: 'tg:1001' });
    expect(card.text).toMatch(/✅ отправлено \(Owner, \d\d\.\d\d, \d\d:\d\d МСК\)/);
    card = await show({ status: 'sent', approvedBy: 'auto' });
    expect(card.text).toContain('✅ отправлено (автоматически');
    card = await show({ status: 'dismissed' });
    expect(card.text).toContain('✖️ отклонено');
    card = await show({ status: 'superseded' });
    expect(card.text).toContain('↪️ заменён новым черновиком');
    card = await show({ status: 'failed', error: 'Avito 500 <oops>' });
    expect(card.text).toContain('❌ не отправлено: Avito 500 <oops>');
    expect(labels(card.reply_markup)).toEqual(['🔁 Повторить']);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
  });

  it('when a fallback is pending, then the card says what the search found instead of «Поиск: ничего»', async () => {
    const seeded = await seedDraft(h.store, {
      kind: 'fallback',
      text: 'Уточню и вернусь с ответом.',
      strategy: 'none',
      sources: [],
      findings: ['nothing_found'],
    });
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('🤷 Запасной ответ (в документах не нашлось)');
    expect(card.text).toContain('🔎 В документах ничего не нашлось');
    expect(card.text).not.toContain('Поиск: ничего');
  });

  it('when the owner replied in their own words, then the card labels the text as the owner’s, without sources or search', async () => {
    await h.store.kv.set(`tg:name:${h.owner}`, 'Ольга');
    const seeded = await seedDraft(h.store, {
      kind: 'reply',
      status: 'sending',
      text: 'Привезу завтра сам.',
      sources: [],
      approvedBy: `tg:${h.owner}`,
    });
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('✍️ Ваш ответ (Ольга)');
    expect(card.text).toContain('Привезу завтра сам.');
    expect(card.text).not.toContain('Черновик');
    expect(card.text).not.toContain('Источник');
    expect(card.text).not.toContain('🔎');
  });

  it('when the owner edited a fallback, then the card no longer calls the text the fallback answer', async () => {
    await h.store.kv.set(`tg:name:${h.owner}`, 'Ольга');
    const seeded = await seedDraft(h.store, {
      kind: 'fallback',
      text: 'Уточню и вернусь с ответом.',
      strategy: 'none',
      sources: [],
      findings: ['not_covered'],
    });
    const edited = (await h.store.drafts.transition(seeded.draft.id, ['pending'], 'approved', {
      text: 'Доставим в субботу.',
      approvedBy: `tg:${h.owner}`,
    }))!;
    const { ref } = await showCard(h, { ...seeded, draft: edited });
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('✏️ Ваш текст (Ольга) вместо запасного ответа');
    expect(card.text).not.toContain('Запасной ответ');
    expect(card.text).toContain('🔎 Документы нашлись, но ответа на вопрос в них нет');
  });

  it('when a long answer was sent only in part, then the card says how many parts of how many went out', async () => {
    const seeded = await seedDraft(h.store, {
      status: 'failed',
      error: encodeDeliveryProblem({ code: 'partly-sent', sent: 1, total: 3, reason: 'Avito 500' }),
    });
    const { ref } = await showCard(h, seeded);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('❌ не отправлено: отправлено 1 из 3 частей, остальные нет (Avito 500)');
    expect(card.text).not.toContain('"code"');
  });
});

describe('the model on the card', () => {
  it('when a model wrote the draft, then the card names the provider and model; without one it names none', async () => {
    const byModel = await seedDraft(h.store, { provider: 'openai', model: 'gpt-4o-mini' });
    const { ref } = await showCard(h, byModel);
    const card = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(card.text).toContain('🧠 Модель: OpenAI API · gpt-4o-mini');

    const fallback = await seedDraft(h.store, {
      kind: 'fallback',
      text: 'Уточню и вернусь.',
      findings: ['not_covered'],
      provider: 'anthropic',
      model: 'claude-haiku-4-5 <b>',
    });
    expect(renderCard(fallback, textsFor('en')).text).toContain(
      '🧠 Model: Anthropic · claude-haiku-4-5 &lt;b&gt;',
    );

    const local = await seedDraft(h.store, { strategy: 'local' });
    expect(renderCard(local, ru).text).not.toContain('🧠');
  });
});

const now = new Date();
const viewOf = (draft: Partial<Draft>): Parameters<typeof renderCard>[0] => ({
  draft: {
    id: 'x',
    chatId: 'c',
    kind: 'answer',
    status: 'pending',
    text: 'Цена 9000',
    originalText: 'Цена 9000',
    sources: [],
    grounded: false,
    findings: ['9000'],
    strategy: 'local',
    coversMessageIds: [],
    card: null,
    approvedBy: null,
    sentMessageIds: [],
    attempts: 0,
    error: null,
    provider: null,
    model: null,
    createdAt: now,
    updatedAt: now,
    ...draft,
  },
  chat: {
    id: 'c',
    itemId: null,
    buyerId: null,
    buyerName: null,
    listing: null,
    state: 'ai',
    humanUntil: null,
    mode: null,
    lastInboundAt: null,
    lastOutboundAt: null,
    createdAt: now,
    updatedAt: now,
  },
  buyerMessages: [],
});

describe('what the guard found, on the card', () => {
  it('when an ungrounded answer is rendered, then the guard findings are listed', () => {
    const r = renderCard(viewOf({}), ru);
    expect(r.text).toContain(ru.card.ungrounded);
    expect(r.text).toContain('Проверка нашла: 9000');
    expect(r.text).toContain('🔎 Найдено: локальный поиск (без Gemini)');
  });

  it('when sentences are unsupported and a question is left open, then each is quoted on its own line, apart from the facts', () => {
    const text = 'Доставка 500 ₽. Дарим чехол в подарок. Звоните 9000.';
    const r = renderCard(
      viewOf({
        text,
        originalText: text,
        findings: [
          '9000',
          unsupportedFinding('Дарим чехол в подарок.'),
          unsupportedFinding('Звоните 9000.'),
          unansweredFinding('А гарантия какая'),
        ],
      }),
      ru,
    );
    expect(r.text).toContain('Проверка нашла: 9000\n');
    expect(r.text).toContain('Документы этого не подтверждают: «Дарим чехол в подарок.» «Звоните 9000.»');
    expect(r.text).toContain('Без ответа остался вопрос: «А гарантия какая»');
    expect(r.text).not.toContain('unsupported:');
    const en = renderCard(viewOf({ findings: [unsupportedFinding('Дарим чехол.')] }), textsFor('en'));
    expect(en.text).toContain('The documents do not back: «Дарим чехол.»');
    expect(en.text).not.toContain('The check found');
  });

  it('when a grounded answer is rendered, then no findings line is shown', () => {
    const r = renderCard(viewOf({ grounded: true, findings: [] }), ru);
    expect(r.text).toContain(ru.card.grounded);
    expect(r.text).not.toContain('Проверка нашла');
    expect(r.text).not.toContain('не подтверждают');
  });

  it('when an escalation is a call request or a wrong item, then the owner reads why', () => {
    const callback = renderCard(
      viewOf({ kind: 'escalation', text: '', findings: ['callback', '8 912 000-11-22'] }),
      ru,
    );
    expect(callback.text).toContain('Нужен человек:</b> покупатель просит перезвонить или оставил телефон');
    const wrong = renderCard(
      viewOf({ kind: 'escalation', text: '', findings: ['wrong_item', 'не тот цвет'] }),
      ru,
    );
    expect(wrong.text).toContain('Нужен человек:</b> привезли не тот товар');
  });
});

describe('notifier', () => {
  const edits = () => h.sim.calls.records.filter((c) => c.path.endsWith('/editMessageText'));

  it('when nothing changed since this notifier drew the card, then no edit is sent and no new card either', async () => {
    const seeded = await seedDraft(h.store);
    const { ref, draft } = await showCard(h, seeded);
    const again = await h.handle.notifier.syncCard({ ...seeded, draft });
    expect(again).toEqual(ref);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
    expect(edits()).toHaveLength(0);
  });

  it('when nothing changed but the card was drawn before a restart, then "message is not modified" counts as success', async () => {
    const seeded = await seedDraft(h.store);
    const { ref, draft } = await showCard(h, seeded);
    const restarted = await h.restart();
    const again = await restarted.notifier.syncCard({ ...seeded, draft });
    expect(again).toEqual(ref);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
    expect(edits().map((c) => c.status)).toEqual([400]);
  });

  it('when a reviewed draft goes pending → approved → sending → sent, then its card is sent once and edited twice', async () => {
    const seeded = await seedDraft(h.store);
    const { draft } = await showCard(h, seeded);
    for (const status of ['approved', 'sending', 'sent'] as const) {
      await h.handle.notifier.syncCard({
        ...seeded,
        draft: { ...draft, status, approvedBy: `tg:${h.owner}` },
      });
    }
    expect(h.sim.calls.records.filter((c) => c.path.endsWith('/sendMessage'))).toHaveLength(1);
    expect(edits().map((c) => c.status)).toEqual([200, 200]);
    const card = h.sim.chat(h.owner).messages[0]!;
    expect(card.text).toContain(ru.status('sent', String(h.owner), '', '').split(' (')[0]);
  });

  it('when two syncs of a draft without a card overlap, then one card is sent and the second sync edits it', async () => {
    const seeded = await seedDraft(h.store, { status: 'approved', approvedBy: `tg:${h.owner}` });
    // Both read the draft before either recorded a card (an owner's reply and its delivery racing).
    const [first, second] = await Promise.all([
      h.handle.notifier.syncCard(seeded),
      h.handle.notifier.syncCard({ ...seeded, draft: { ...seeded.draft, status: 'sending' } }),
    ]);
    expect(second).toEqual(first);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
  });

  it('when the owner deleted the card, then a fresh card is sent and its new ref returned', async () => {
    const seeded = await seedDraft(h.store);
    const { ref, draft } = await showCard(h, seeded);
    h.sim.userDeletes(Number(ref.chatId), ref.messageId);
    const fresh = await h.handle.notifier.syncCard({
      ...seeded,
      draft: { ...draft, status: 'sent', approvedBy: 'auto' },
    });
    expect(fresh).not.toBeNull();
    expect(fresh!.messageId).not.toBe(ref.messageId);
    const messages = h.sim.chat(h.owner).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('✅ отправлено');
  });

  it('when the same alert is raised twice, then the owner gets one message until it is resolved', async () => {
    const alert = { kind: 'avito-token', cause: 'auth', reason: '401' } as const;
    await h.handle.notifier.alert('avito-token', alert);
    await h.handle.notifier.alert('avito-token', alert);
    expect(h.sim.chat(h.owner).messages.map((m) => m.text)).toEqual([
      '⚠️ Avito: client id/secret не приняты — проверьте AVITO_CLIENT_ID и AVITO_CLIENT_SECRET.',
    ]);
    await h.handle.notifier.resolve('avito-token');
    await h.handle.notifier.alert('avito-token', alert);
    expect(h.sim.chat(h.owner).messages).toHaveLength(2);
  });

  it('when a provider’s quota is used up, then the owner reads which provider and what to do, once', async () => {
    const alert = {
      kind: 'model-provider',
      provider: 'openai',
      problem: 'quota',
      reason: 'You exceeded your current quota',
    } as const;
    await h.handle.notifier.alert('model:openai:quota', alert);
    await h.handle.notifier.alert('model:openai:quota', alert);
    const texts = h.sim.chat(h.owner).messages.map((m) => m.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(
      '⚠️ OpenAI API: закончилась квота или деньги на счёте (You exceeded your current quota)',
    );
  });

  it('when an auto-sent notice is sent, then it offers 👎 with f:bad and a reply to it reaches the buyer chat', async () => {
    const seeded = await seedDraft(h.store, { status: 'sent' });
    await h.handle.notifier.notify({ kind: 'auto-sent', view: seeded });
    const notice = h.sim.lastBotMessage(h.owner)!;
    expect(notice.text).toContain('Ответ отправлен автоматически');
    expect(datas(notice.reply_markup)).toEqual([`f:bad:${seeded.draft.id}`]);
    expect(await h.store.kv.get(`card:${h.owner}:${notice.message_id}`)).toEqual({
      avitoChatId: seeded.chat.id,
      draftId: seeded.draft.id,
    });
  });
});
