import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import type { InlineKeyboardMarkup, TgMessage } from '../../sim/telegram/types.js';
import { pdfPages, shown } from '../sales/documents/pdf-text.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const EXAMPLE_SALES = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));

/**
 * Issue 18's «done when», end to end on the real service: a buyer on the Avito simulator asks the price and
 * gets the calculator's figure, leaves a phone number; the owner opens /leads and sends an offer and an
 * invoice from the Telegram simulator; the buyer receives the links, and they download the PDFs.
 */
describe('a sale from the first message to the invoice', () => {
  let avito: AvitoSim;
  let telegram: TelegramSim;
  let svc: TestService;

  beforeEach(async () => {
    avito = await startAvitoSim();
    telegram = await startTelegramSim();
    // No Gemini: the local path, where the computed quote itself is the answer the owner approves.
    svc = await startTestService({ ...serviceEnvFor({ avito, telegram }), SALES_CONFIG: EXAMPLE_SALES });
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
  });
  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), telegram.close()]);
  });

  const owner = () => telegram.user.id;
  const fromBot = () => telegram.chat(owner()).messages.filter((m) => m.from?.is_bot);
  const buttons = (m: TgMessage) =>
    ((m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
  const botMessage = (test: (m: TgMessage) => boolean, after = 0) =>
    eventually(() => fromBot().find((m) => m.message_id > after && test(m)), 10_000);
  const tap = (m: TgMessage, button: string) =>
    telegram.tap(owner(), m.message_id, button).waitForAnswer(5000);

  it('when a buyer asks the price and leaves a phone, then the owner sends a КП and an invoice and the buyer downloads both', async () => {
    const listing = avito.seedListing({
      id: 4341979279,
      title: 'Диван угловой «Милан», велюр',
      price: 32900,
    });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Здравствуйте, сколько стоит?',
    });
    const sent = () => avito.sentByApi().filter((s) => s.chatId === chatId);

    // The draft is the calculator's quote; the owner approves it.
    const draft = await botMessage(
      (m) => !!m.text?.includes('сколько стоит?') && buttons(m).includes('✅ Отправить'),
    );
    expect(shown(draft.text!)).toContain('Итого: 32 900 ₽');
    expect(draft.text).toContain('📇 Заявка: 🆕 Новая');
    await tap(draft, '✅ Отправить');
    await eventually(() => sent().length === 1, 10_000);
    expect(shown(sent()[0]!.text)).toContain('Диван угловой «Милан» — 1 шт. × 32 900 ₽ = 32 900 ₽');

    // The phone number lands on the lead.
    await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Беру, мой номер +7 (903) 111-22-33',
    });
    const lead = await eventually(async () => {
      const found = await svc.store.leads.findOpenByConversation('avito', chatId);
      return found?.contact.phone ? found : null;
    }, 10_000);
    expect(lead).toMatchObject({
      channel: 'avito',
      tags: ['avito-lead'],
      listing: { itemId: '4341979279' },
      contact: { name: 'Анна', phone: '+79031112233' },
    });

    // /leads → the stage → the lead card.
    const before = fromBot().at(-1)?.message_id ?? 0;
    telegram.userSends(owner(), '/leads');
    const summary = await botMessage((m) => !!m.text?.includes('Открытые заявки'), before);
    await tap(summary, '🆕 Новая (1)');
    const page = await eventually(() =>
      telegram
        .chat(owner())
        .messages.find(
          (m) => m.message_id === summary.message_id && buttons(m).some((b) => b.startsWith('Анна')),
        ),
    );
    await tap(
      page,
      buttons(page).find((b) => b.startsWith('Анна'))!,
    );
    const card = await botMessage((m) => !!m.text?.includes('Этап: 🆕 Новая'), summary.message_id);
    expect(card.text).toContain('Контакт: Анна · +79031112233');

    // 📄 КП and 🧾 Счёт, each ✅ to the buyer.
    const urls: string[] = [];
    for (const [button, stage] of [
      ['📄 КП', 'offer_sent'],
      ['🧾 Счёт', 'invoiced'],
    ] as const) {
      const last = fromBot().at(-1)?.message_id ?? 0;
      await tap(card, button);
      const pdf = await botMessage((m) => m.document !== undefined, last);
      const count = sent().length;
      await tap(pdf, '✅ Отправить покупателю');
      await eventually(() => sent().length === count + 1, 10_000);
      const url = /http:\/\/127\.0\.0\.1:\d+\/d\/[A-Za-z0-9_-]{43}/.exec(sent()[count]!.text)?.[0];
      expect(url).toBeDefined();
      urls.push(url!);
      await eventually(async () => (await svc.store.leads.get(lead.id))?.stage === stage, 10_000);
    }

    const [offer, invoice] = await Promise.all(
      urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())),
    );
    expect(shown((await pdfPages(offer!)).join(' '))).toContain('Коммерческое предложение № КП-2026-0001');
    const invoiceText = shown((await pdfPages(invoice!)).join(' '));
    expect(invoiceText).toContain('Счёт на оплату № СЧ-2026-0001');
    expect(invoiceText).toContain('32 900,00');
    expect(invoiceText).toContain('Тридцать две тысячи девятьсот рублей 00 копеек');

    const after = await svc.store.leads.get(lead.id);
    expect(after).toMatchObject({ stage: 'invoiced', amounts: { quoted: 32_900_00, invoiced: 32_900_00 } });
    expect(after?.documents.map((d) => [d.number, d.downloads])).toEqual([
      ['КП-2026-0001', 1],
      ['СЧ-2026-0001', 1],
    ]);
    // Each link went out as an owner-approved message through normal delivery, audited.
    const audit = await svc.store.audit.query({ chatId, action: 'chat.owner-send' });
    expect(audit).toHaveLength(2);
    // A made-up token is a plain 404.
    const wrong = await fetch(`${svc.http.url}/d/${'A'.repeat(43)}`);
    expect(wrong.status).toBe(404);
  });
});
