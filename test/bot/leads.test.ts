import { Composer } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/context.js';
import type { Lead } from '../../src/models/records.js';
import type { InlineKeyboardMarkup, TgMessage } from '../../sim/telegram/types.js';
import { pdfPages, shown } from '../sales/documents/pdf-text.js';
import { eventually } from '../support/service.js';
import { type Harness, seedDraft, showCard, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ sales: true });
});
afterEach(async () => {
  await h.dispose();
});

const fromBot = () => h.sim.chat(h.owner).messages.filter((m) => m.from?.id === h.sim.bot.id);
const waitForBotText = (part: string, after = 0) =>
  h.sim.waitFor(() => fromBot().find((m) => m.message_id > after && m.text?.includes(part)));
const lastId = () => Math.max(0, ...h.sim.chat(h.owner).messages.map((m) => m.message_id));
const tap = async (message: TgMessage, button: string) =>
  h.sim.tap(h.owner, message.message_id, button).waitForAnswer();
const buttons = (m: TgMessage) =>
  ((m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);

let n = 0;
async function lead(name: string, text = 'Нужен диван, 2 шт. Мой телефон +7 916 123-45-67'): Promise<Lead> {
  n += 1;
  const chatId = `u2i-lead${n}~x`;
  await h.store.chats.upsert({ id: chatId, itemId: '4341979279', buyerName: name, listing: null });
  const { lead } = await h.sales!.leads.onBuyerMessage({
    channel: 'avito',
    conversationId: chatId,
    listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' },
    buyer: { name },
    message: { id: `m-${n}`, text, at: new Date() },
  });
  return lead;
}

async function openCard(l: Lead): Promise<TgMessage> {
  const before = lastId();
  h.sim.userSends(h.owner, '/leads');
  const list = await waitForBotText('Открытые заявки', before);
  await tap(list, `🆕 Новая (${(await h.sales!.leads.listByStage(['new'])).leads.length})`);
  const page = await h.sim.waitFor(() =>
    fromBot().find((m) => m.message_id === list.message_id && m.text?.includes('🆕 Новая')),
  );
  const name = l.contact.name!;
  const label = buttons(page).find((b) => b.startsWith(name))!;
  await tap(page, label);
  return waitForBotText('Заявка', list.message_id);
}

describe('/leads', () => {
  it('when there are open leads, then /leads counts them by stage and a stage lists them with paging', async () => {
    // No phone: one phone in every message would make them all one returning buyer.
    for (let i = 0; i < 10; i++) await lead(`Покупатель ${i}`, 'Нужен диван');
    const qualified = await lead('Квалифицированный', 'Нужен диван');
    await h.sales!.leads.moveStage(qualified.id, 'qualified', 'tg:1');
    h.sim.userSends(h.owner, '/leads');
    const summary = await waitForBotText('Открытые заявки: 11');
    expect(buttons(summary)).toEqual(['🆕 Новая (10)', '🎯 Квалифицирована (1)']);

    await tap(summary, '🆕 Новая (10)');
    const page1 = await h.sim.waitFor(() => fromBot().find((m) => m.text?.includes('🆕 Новая · 1/2')));
    expect(buttons(page1).filter((b) => b.startsWith('Покупатель'))).toHaveLength(8);
    await tap(page1, '▶️');
    const page2 = await h.sim.waitFor(() => fromBot().find((m) => m.text?.includes('🆕 Новая · 2/2')));
    const names = buttons(page2).filter((b) => b.startsWith('Покупатель'));
    // Newest first: the two oldest are on the second page.
    expect(names.map((b) => b.split(' · ')[0])).toEqual(['Покупатель 1', 'Покупатель 0']);
    expect(buttons(page2)).toContain('◀️');
    expect(buttons(page2)).not.toContain('▶️');
  });

  it('when the owner opens a lead, then its card shows contact, brief, listing, stage, amounts and channel', async () => {
    const l = await lead('Анна');
    const card = await openCard(l);
    expect(card.text).toContain('Этап: 🆕 Новая');
    expect(card.text).toContain('Канал: Авито');
    expect(card.text).toContain('Контакт: Анна · +79161234567');
    expect(card.text).toContain('Объявление: Диван угловой «Милан»');
    expect(card.text).toContain('• Количество: 2');
    expect(card.text).toContain('Суммы: КП — · счёт — · оплачено —');
    expect(buttons(card)).toEqual(
      expect.arrayContaining([
        '📄 КП',
        '📝 Договор',
        '🧾 Счёт',
        '✏️ Бриф',
        '❌ Потеряна',
        '→ 🎯 Квалифицирована',
      ]),
    );
  });

  it('when the owner taps a stage, then the lead moves (audited with the owner) and the card says so', async () => {
    const l = await lead('Борис');
    const card = await openCard(l);
    expect((await tap(card, '→ 🎯 Квалифицирована')).text).toBe('Этап: 🎯 Квалифицирована');
    await h.sim.waitFor(() =>
      fromBot().find((m) => m.message_id === card.message_id && m.text?.includes('Этап: 🎯')),
    );
    expect((await h.sales!.leads.get(l.id))?.stage).toBe('qualified');
    const [move] = await h.sales!.leads.stageChanges(l.id);
    expect(move).toEqual({ from: 'new', to: 'qualified' });
    const audit = await h.store.audit.query({ leadId: l.id, action: 'lead.stage' });
    expect(audit[0]?.actor).toBe(`tg:${h.owner}`);
  });

  it('when the owner marks a lead lost, then a conversation asks why and a quick reason or typed words close it', async () => {
    const one = await lead('Вера');
    const card = await openCard(one);
    await tap(card, '❌ Потеряна');
    const ask = await waitForBotText('Почему заявка потеряна', card.message_id);
    await tap(ask, 'Дорого');
    await waitForBotText('❌ Заявка потеряна: Дорого', ask.message_id);
    expect(await h.sales!.leads.get(one.id)).toMatchObject({ stage: 'lost', lostReason: 'Дорого' });

    const two = await lead('Глеб');
    const card2 = await openCard(two);
    await tap(card2, '❌ Потеряна');
    const ask2 = await waitForBotText('Почему заявка потеряна', card2.message_id);
    h.sim.userSends(h.owner, 'Купил у соседа');
    await waitForBotText('❌ Заявка потеряна: Купил у соседа', ask2.message_id);
    expect(await h.sales!.leads.get(two.id)).toMatchObject({ stage: 'lost', lostReason: 'Купил у соседа' });
  });

  it('when the owner edits a brief field, then a wrong value is asked again and an accepted one is the owner’s', async () => {
    const l = await lead('Дарья');
    const card = await openCard(l);
    await tap(card, '✏️ Бриф');
    const pick = await waitForBotText('Какое поле брифа изменить', card.message_id);
    await tap(pick, 'Бюджет');
    const ask = await waitForBotText('Бюджет', pick.message_id);
    h.sim.userSends(h.owner, 'много');
    await waitForBotText('Не подходит', ask.message_id);
    h.sim.userSends(h.owner, '60 000 ₽');
    await waitForBotText('✅ Бюджет', ask.message_id);
    const after = await h.sales!.leads.get(l.id);
    expect(after?.brief['budget']).toMatchObject({
      value: 60_000_00,
      source: { kind: 'owner', actor: `tg:${h.owner}` },
    });
  });

  it('when the owner taps 📄 КП and then ✅, then the PDF comes to Telegram, the buyer gets its link and the lead is offer_sent', async () => {
    const l = await lead('Ева');
    const card = await openCard(l);
    await tap(card, '📄 КП');
    const doc = await h.sim.waitFor(() =>
      fromBot().find((m) => m.document && m.message_id > card.message_id),
    );
    expect(doc.document?.file_name).toBe('offer-KP-2026-0001.pdf');
    expect(doc.caption).toContain('Коммерческое предложение № КП-2026-0001');
    expect(shown(doc.caption!)).toContain('65 800 ₽');
    expect(buttons(doc)).toEqual(['✅ Отправить покупателю', '🔄 Заново', '✖️ Отмена']);
    // The PDF as Telegram serves it: getFile and the download route.
    const file = (await (
      await fetch(`${h.sim.url}/bot${h.sim.token}/getFile?file_id=${doc.document!.file_id}`)
    ).json()) as { result: { file_path: string } };
    const bytes = new Uint8Array(
      await (await fetch(`${h.sim.url}/file/bot${h.sim.token}/${file.result.file_path}`)).arrayBuffer(),
    );
    expect(shown((await pdfPages(bytes)).join(' '))).toContain('65 800,00');

    expect((await tap(doc, '✅ Отправить покупателю')).text).toBe('✅ Ссылка отправлена покупателю');
    const [send] = h.actions.named('sendToBuyer');
    expect(send?.args[0]).toBe(l.conversationId);
    expect(String(send?.args[1])).toMatch(
      /^Коммерческое предложение № КП-2026-0001: https:\/\/shop\.example\/d\/[A-Za-z0-9_-]{43}\n/,
    );
    await waitForBotText('✅ Отправлено покупателю', doc.message_id);
    expect((await h.sales!.leads.get(l.id))?.stage).toBe('offer_sent');
    // A second tap on the (now buttonless) message would find the document sent: nothing more goes out.
    expect(buttons(h.sim.chat(h.owner).messages.find((m) => m.message_id === doc.message_id)!)).toEqual([]);
  });

  it('when the owner taps ✖️ on a prepared document, then nothing is sent to the buyer', async () => {
    const l = await lead('Жанна');
    const card = await openCard(l);
    await tap(card, '🧾 Счёт');
    const doc = await h.sim.waitFor(() =>
      fromBot().find((m) => m.document && m.message_id > card.message_id),
    );
    expect(doc.caption).toContain('Счёт на оплату № СЧ-2026-0001');
    expect((await tap(doc, '✖️ Отмена')).text).toBe('Отменено');
    expect(h.actions.named('sendToBuyer')).toEqual([]);
    expect((await h.sales!.leads.get(l.id))?.stage).toBe('new');
  });

  it('when an integration adds rows to the lead card, then every card shows them and its composer answers their taps', async () => {
    const taps: string[] = [];
    const composer = new Composer<BotContext>();
    composer.callbackQuery(/^cal:/, async (ctx) => {
      taps.push(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery({ text: '📅 Записано' });
    });
    h.leadCard.add({
      id: 'calendar',
      rows: ({ lead: l }) => [[{ text: '📅 Записать', callback_data: `cal:book:${l.id.slice(0, 8)}` }]],
      composer,
    });
    h.leadCard.add({ id: 'broken', rows: () => Promise.reject(new Error('calendar down')) });
    const l = await lead('Зоя');
    const card = await openCard(l);
    expect(buttons(card)).toContain('📅 Записать');
    expect((await tap(card, '📅 Записать')).text).toBe('📅 Записано');
    expect(taps).toEqual([`cal:book:${l.id.slice(0, 8)}`]);
    expect(() => h.leadCard.add({ id: 'calendar', rows: () => [] })).toThrow(/already added/);
  });

  it('when a draft answers a chat with a lead, then its card shows the lead’s stage and opens the lead card', async () => {
    const l = await lead('Ирина');
    const seeded = await seedDraft(h.store, {}, { id: l.conversationId, buyerName: 'Ирина' });
    const { ref } = await showCard(h, seeded);
    const cardMessage = h.sim.chat(h.owner).messages.find((m) => m.message_id === ref.messageId)!;
    expect(cardMessage.text).toContain('📇 Заявка: 🆕 Новая');
    await tap(cardMessage, '📇 Заявка');
    const leadCard = await waitForBotText('Этап: 🆕 Новая', ref.messageId);
    expect(leadCard.text).toContain('Контакт: Ирина');
  });
});

describe('/quote', () => {
  it('when the owner picks a product, options and quantity, then the total is the calculator’s and an offer is made for the chosen lead', async () => {
    const l = await lead('Кирилл', 'Интересуют кресла');
    h.sim.userSends(h.owner, '/quote');
    const products = await waitForBotText('Выберите товар');
    await tap(products, 'Кресло «Милан»');
    // Its options: delivery (choice), assembly (yes/no), lift (a count typed in).
    const delivery = await waitForBotText('Выберите: Доставка', products.message_id);
    await tap(delivery, 'по Москве');
    const assembly = await waitForBotText('Выберите: Сборка', delivery.message_id);
    await tap(assembly, 'Да');
    const lift = await waitForBotText('Подъём на этаж', assembly.message_id);
    h.sim.userSends(h.owner, '3');
    const qty = await waitForBotText('Количество', lift.message_id);
    h.sim.userSends(h.owner, 'сорок');
    await waitForBotText('Нужно число', qty.message_id);
    h.sim.userSends(h.owner, '2');
    // 2 × 13 900 (tier) + delivery 500 + assembly 2 × 1 000 + lift 3 × 200 = 30 900.
    const result = await waitForBotText('Всего к оплате', qty.message_id);
    expect(shown(result.text!)).toMatch(/Всего к оплате:\s+30 900,00 ₽/);
    await tap(result, '📄 КП для заявки');
    const pick = await waitForBotText('Для какой заявки', result.message_id);
    await tap(pick, 'Кирилл · Диван угловой «Милан»');
    const doc = await h.sim.waitFor(() =>
      fromBot().find((m) => m.document && m.message_id > pick.message_id),
    );
    expect(shown(doc.caption!)).toContain('30 900 ₽');
    await eventually(async () => (await h.sales!.leads.get(l.id))?.amounts.quoted === 30_900_00);
    // The lead's next documents are priced from this order.
    expect(await h.sales!.desk!.orderFor((await h.sales!.leads.get(l.id))!)).toMatchObject({
      items: [
        { product: 'armchair-milan', qty: 2000, options: { delivery: 'moscow', assembly: 'yes', lift: '3' } },
      ],
    });
  });

  it('when /help is asked, then it lists /leads and /quote', async () => {
    h.sim.userSends(h.owner, '/help');
    const help = await waitForBotText('Команды');
    expect(help.text).toContain('/leads');
    expect(help.text).toContain('/quote');
  });
});
