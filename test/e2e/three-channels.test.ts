import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { freePort } from '../../sim/common/server.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { buttonsOf } from '../../sim/telegram/actors.js';
import { startTelegramSim, type TelegramSim, type TgMessage } from '../../sim/telegram/index.js';
import { browserMissing, launchChromium } from '../support/browser.js';
import { eventually, startTestService, subscribeAndTeach, type TestService } from '../support/service.js';
import { BUYER, BUYER_BOT, TelegramBuyer } from '../support/telegram-buyer.js';
import { WidgetClient } from '../support/widget.js';

const DOC = 'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня. Самовывоз бесплатно.';
const SEND = '✅ Отправить';

/**
 * Issue 17's done-when: one service with every channel on (Avito, the Telegram owner and buyer bots, the website
 * widget) and the Gemini simulator; on each channel a buyer asks, the owner gets a draft card naming the channel,
 * taps ✅ and the buyer receives the answer where they wrote.
 */
describe('one buyer journey on all three channels (the real service with the simulators)', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let telegram: TelegramSim;
  let svc: TestService;
  const site = 'https://shop.example.com';

  beforeAll(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
    telegram = await startTelegramSim({ bots: [{ bot: BUYER_BOT, user: BUYER }] });
    const port = await freePort();
    svc = await startTestService({
      ...serviceEnvFor({ avito, gemini, telegram }),
      PORT: String(port),
      TELEGRAM_BUYER_BOT_TOKEN: telegram.botNamed(BUYER_BOT.username)!.token,
      WIDGET_ORIGINS: `${site},http://127.0.0.1:${port}`,
    });
    await subscribeAndTeach(svc, { fileName: 'Доставка.txt', text: DOC });
  }, 60_000);
  afterAll(async () => {
    await svc?.dispose();
    await Promise.all([avito?.close(), gemini?.close(), telegram?.close()]);
  });

  const owner = () => telegram.user.id;

  /** The owner's draft card for `question`, once it offers ✅. */
  const cardFor = (question: string) =>
    eventually(
      () =>
        telegram
          .chat(owner())
          .messages.find(
            (m: TgMessage) =>
              m.text?.includes(question) && buttonsOf(m.reply_markup).some((b) => b.text === SEND),
          ),
      10_000,
    );

  /** The owner approves the card, and it says so. */
  async function ownerSends(card: TgMessage): Promise<void> {
    await telegram.tap(owner(), card.message_id, SEND).waitForAnswer();
    await eventually(() =>
      telegram
        .chat(owner())
        .messages.find((m) => m.message_id === card.message_id && m.text?.includes('✅ отправлено')),
    );
  }

  it('when a buyer asks on Avito, then the card says Avito and the answer goes to the Avito chat', async () => {
    const listing = avito.seedListing({ title: 'Диван угловой', price: 54900 });
    const question = 'Сколько стоит доставка по Москве?';
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Олег' },
      text: question,
    });
    const card = await cardFor(question);
    expect(card.text).toContain('Олег · Avito');
    expect(card.text).toMatch(/500/);

    await ownerSends(card);
    const sent = await eventually(() => avito.sentByApi().find((s) => s.chatId === chatId));
    expect(sent.text).toMatch(/500/);
  });

  it('when a buyer asks the Telegram buyer bot, then the card says Telegram and the answer comes from the bot', async () => {
    const buyer = new TelegramBuyer(telegram.botNamed(BUYER_BOT.username)!);
    buyer.start();
    await buyer.waitForBot('Я помощник продавца');
    const question = 'А доставка по Москве сколько стоит?';
    buyer.says(question);
    const card = await cardFor(question);
    expect(card.text).toContain(`${BUYER.first_name} · Telegram`);

    await ownerSends(card);
    const answer = await buyer.waitForBot(/500/, 10_000);
    expect(answer.from?.id).toBe(BUYER_BOT.id);
    // The owner's bot never wrote to the buyer.
    expect(telegram.chat(owner()).messages.some((m) => m.text === answer.text)).toBe(false);
  });

  it('when a visitor asks in the widget, then the card says website and the answer appears live in the widget', async () => {
    const client = await WidgetClient.connect(`${svc.http.url.replace('http', 'ws')}/widget/ws`, site);
    try {
      await client.hello();
      client.send({ t: 'brief', name: 'Вера', contact: 'vera@example.com', consent: true });
      await client.next('brief-ok');
      const question = 'Доставка по Москве сколько будет стоить?';
      client.send({ t: 'msg', id: 'msg-0000001', text: question });
      await client.next('ack');
      const card = await cardFor(question);
      expect(card.text).toContain('Вера · сайт');

      await ownerSends(card);
      const answer = await client.next('msg', (f) => f.message.from === 'seller');
      expect(answer.message.text).toMatch(/500/);
    } finally {
      await client.close();
    }
  });

  it.skipIf(browserMissing !== undefined)(
    'when a visitor asks on the demo page in Chromium, then the owner’s approved answer appears on the page',
    async () => {
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
        await page.goto(`${svc.http.url}/widget/demo`);
        await page.getByRole('button', { name: 'Открыть чат' }).click();
        await page.getByRole('textbox', { name: 'Имя', exact: true }).fill('Галина');
        await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill('+7 912 345-67-89');
        await page.getByRole('checkbox').check();
        await page.getByRole('button', { name: 'Начать чат' }).click();
        const question = 'Сколько стоит доставка курьером по Москве?';
        await page.getByPlaceholder('Напишите сообщение…').fill(question);
        await page.keyboard.press('Enter');
        const card = await cardFor(question);
        expect(card.text).toContain('Галина · сайт');

        await ownerSends(card);
        const shown = () =>
          page
            .getByRole('log')
            .locator('.m')
            .evaluateAll((els) => els.map((el) => el.lastChild?.textContent ?? ''));
        await expect
          .poll(async () => (await shown()).some((t) => /500/.test(t)), { timeout: 10_000 })
          .toBe(true);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
