import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../sim/common/wait.js';
import { browserMissing, launchChromium } from '../../support/browser.js';
import {
  standInResponder,
  type StandInResponder,
  startWidgetHarness,
  type WidgetHarness,
} from '../../support/widget.js';

if (browserMissing) console.warn(browserMissing);

/**
 * The widget in a real browser (headless Chromium), on the service's demo page and on a seller's site of
 * another origin, against the real web channel and store. The responder is a stand-in until the
 * channel-agnostic responder lands (pass `responder.inbound` to `startWidgetHarness` then).
 */
describe.skipIf(browserMissing !== undefined)('website widget in Chromium', () => {
  let browser: Browser;
  let site: Server;
  /** The seller's site: an allowed origin, and the same server under another name (not allowed). */
  let siteUrl: string;
  let otherSiteUrl: string;
  let harness: WidgetHarness;
  let responder: StandInResponder;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
    site = createServer((req, res) => {
      const widget = `${harness.url}/widget.js`;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Мебель на заказ</title></head>
<body><h1>Шкафы-купе</h1><p>Наш каталог.</p>
<script src="${widget}" data-color="#ffcc00" data-title="Мебель: чат" data-listing="777" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const port = (site.address() as AddressInfo).port;
    siteUrl = `http://127.0.0.1:${port}`;
    otherSiteUrl = `http://localhost:${port}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  beforeEach(async () => {
    harness = await startWidgetHarness({
      origins: [siteUrl],
      inbound: (web, store) => (responder = standInResponder(store, web.channel)),
    });
    // Each test is a new visitor: a fresh browser context has its own storage.
    context = await browser.newContext({ locale: 'ru-RU' });
  });

  afterEach(async () => {
    await context?.close();
    await harness?.close();
  });

  const launcher = (page: Page) => page.locator('.launcher');
  const log = (page: Page) => page.getByRole('log');

  async function openChatAndBrief(page: Page, name = 'Анна', contact = '+7 912 345-67-89'): Promise<void> {
    await page.getByRole('button', { name: 'Открыть чат' }).click();
    await page.getByRole('textbox', { name: 'Имя', exact: true }).fill(name);
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill(contact);
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Начать чат' }).click();
    await expect.poll(() => page.getByPlaceholder('Напишите сообщение…').isVisible()).toBe(true);
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.getByPlaceholder('Напишите сообщение…').fill(text);
    await page.keyboard.press('Enter');
  }

  async function texts(locator: Locator): Promise<string[]> {
    return locator.locator('.m').evaluateAll((els) => els.map((el) => el.lastChild?.textContent ?? ''));
  }

  /** An attribute of the element focused inside the widget's shadow root (page code, run in the browser). */
  const focusedIn = (page: Page, attribute: string) =>
    page.evaluate<string | null>(
      `document.activeElement?.shadowRoot?.activeElement?.getAttribute(${JSON.stringify(attribute)}) ?? null`,
    );

  const chatOfFirstMessage = () =>
    pollUntil(() => responder.received[0]?.chatId, {
      timeoutMs: 5000,
      what: 'a message reached the responder',
    });

  it('when a visitor writes on the demo page, then the answer comes, and after a reload the history is there', async () => {
    const page = await context.newPage();
    await page.goto(`${harness.url}/widget/demo`);
    await openChatAndBrief(page);
    await send(page, 'Есть ли доставка в Казань?');
    await expect.poll(() => texts(log(page))).toContain('Ответ: Есть ли доставка в Казань?');
    expect(await texts(log(page))).toContain('Есть ли доставка в Казань?');
    expect(responder.received[0]?.context?.buyer).toMatchObject({
      name: 'Анна',
      contact: { phone: '+79123456789' },
    });

    await page.reload();
    await launcher(page).click();
    await expect
      .poll(() => texts(log(page)))
      .toEqual([
        'Здравствуйте! Задайте вопрос — ответим здесь же.',
        'Есть ли доставка в Казань?',
        'Ответ: Есть ли доставка в Казань?',
      ]);
    // A returning visitor goes straight to the conversation: no second brief.
    expect(await page.getByRole('textbox', { name: 'Имя', exact: true }).isVisible()).toBe(false);
  });

  it('when the owner replies while the panel is closed, then the reply appears live and the bubble counts it', async () => {
    responder.autoAnswer = false;
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page);
    await send(page, 'Можно сделать шкаф 2 метра?');
    const chatId = await chatOfFirstMessage();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);

    await responder.reply(chatId, 'Да, сделаем за 10 дней.');
    await expect.poll(() => page.locator('.badge').textContent()).toBe('1');
    await launcher(page).click();
    await expect.poll(() => texts(log(page))).toContain('Да, сделаем за 10 дней.');
    expect(await page.locator('.badge').isVisible()).toBe(false);
    // The listing the page passed (data-listing) went with the message.
    expect(responder.received[0]?.context?.listing).toMatchObject({
      itemId: '777',
      title: 'Мебель на заказ',
    });
  });

  it('when a draft is being prepared, then the typing indicator shows until the answer arrives', async () => {
    responder.autoAnswer = false;
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page);
    await send(page, 'Какие цвета есть?');
    const chatId = await chatOfFirstMessage();
    const typing = page.getByText('Продавец печатает…');
    expect(await typing.isVisible()).toBe(false);
    await harness.web.channel.typing!(chatId, true);
    await expect.poll(() => typing.isVisible()).toBe(true);
    await responder.reply(chatId, 'Белый, дуб и венге.');
    await expect.poll(() => texts(log(page))).toContain('Белый, дуб и венге.');
    expect(await typing.isVisible()).toBe(false);
  });

  it('when the message cannot be stored, then the widget says it was not sent, and Retry delivers it once', async () => {
    responder.autoAnswer = false;
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page);
    responder.failing = true;
    await send(page, 'Сколько стоит сборка?');
    const retry = page.getByRole('button', { name: 'Повторить' });
    await expect.poll(() => retry.isVisible()).toBe(true);
    expect(await page.locator('.m.failed').textContent()).toContain('Не отправлено');

    responder.failing = false;
    await retry.click();
    await expect.poll(() => page.locator('.m.failed').count()).toBe(0);
    const chatId = await chatOfFirstMessage();
    const stored = await harness.store.messages.lastN(chatId, 10);
    expect(stored.map((m) => m.text)).toEqual(['Сколько стоит сборка?']);
  });

  it('when the visitor writes faster than allowed, then the widget says to wait and offers a retry', async () => {
    await harness.close();
    harness = await startWidgetHarness({
      origins: [siteUrl],
      limits: { messagesPerSessionPerMinute: 1 },
      inbound: (web, store) => (responder = standInResponder(store, web.channel)),
    });
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page);
    await send(page, 'Первый');
    await expect.poll(() => texts(log(page))).toContain('Ответ: Первый');
    await send(page, 'Второй');
    await expect.poll(() => page.locator('.m.failed').textContent()).toContain('Слишком много сообщений');
    expect(await page.getByRole('status').textContent()).toMatch(/Подождите минуту/);
    expect(await page.getByRole('button', { name: 'Повторить' }).isVisible()).toBe(true);
  });

  it('when the connection is lost, then the widget says so and keeps trying', async () => {
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page);
    await harness.web.stop(); // the service restarts: every socket is closed, new ones are refused for now
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Нет связи. Переподключаемся…');
  });

  it('when the site is not in WIDGET_ORIGINS, then the widget does not start and its socket is refused', async () => {
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(otherSiteUrl);
    await expect.poll(() => warnings.join('\n')).toMatch(/not in WIDGET_ORIGINS/);
    expect(await page.locator('[data-avito-responder-widget]').count()).toBe(0);
    // Even a page script that goes around the widget cannot open the socket from this origin.
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      harness.wsUrl,
    );
    expect(outcome).toBe('closed 1006');
  });

  it('when the visitor uses only the keyboard, then they can open, fill the brief, write, and close with Esc', async () => {
    const page = await context.newPage();
    await page.goto(siteUrl);
    await launcher(page).waitFor();
    await page.keyboard.press('Tab');
    const focused = () => focusedIn(page, 'class');
    expect(await focused()).toBe('launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedIn(page, 'name')).toBe('name');
    await page.keyboard.type('Борис');
    await page.keyboard.press('Tab');
    await page.keyboard.type('boris@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // past the hint-free consent label to the start button
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedIn(page, 'name')).toBe('message');
    await page.keyboard.type('Здравствуйте!');
    await page.keyboard.press('Enter');
    await expect.poll(() => texts(log(page))).toContain('Ответ: Здравствуйте!');
    expect(responder.received[0]?.context?.buyer?.contact).toEqual({ email: 'boris@example.com' });

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect(await focused()).toBe('launcher');
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
  });

  it('when the brief is wrong, then the fields to fix are marked and nothing is sent', async () => {
    const page = await context.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Открыть чат' }).click();
    await page.getByRole('textbox', { name: 'Имя', exact: true }).fill('Анна');
    await page.getByRole('textbox', { name: 'Телефон или e-mail' }).fill('12345');
    await page.getByRole('button', { name: 'Начать чат' }).click();
    expect(await page.getByText('Без согласия мы не можем принять ваши контакты.').isVisible()).toBe(true);
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Начать чат' }).click();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Телефон или e-mail' }).getAttribute('aria-invalid'))
      .toBe('true');
    expect(await page.getByText('Укажите телефон (+7 912 345-67-89) или e-mail.').isVisible()).toBe(true);
    expect(await page.getByPlaceholder('Напишите сообщение…').isVisible()).toBe(false);
  });

  it('when a message holds markup, then it shows as text and nothing is injected', async () => {
    const page = await context.newPage();
    await page.goto(siteUrl);
    await openChatAndBrief(page, '<img src=x onerror=alert(1)>');
    const payload = '<b>жирный</b><img src=x onerror="window.injected=1">';
    await send(page, payload);
    await expect.poll(() => texts(log(page))).toContain(`Ответ: ${payload}`);
    expect(await page.evaluate<unknown>('window.injected')).toBeUndefined();
    expect(await log(page).locator('img, b').count()).toBe(0);
  });

  it('when the screen is narrow, then the open panel fills it; the seller colour and title from the tag are used', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 667 });
    await page.goto(siteUrl);
    await launcher(page).click();
    const box = await page.getByRole('dialog').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    expect(await page.locator('h2').textContent()).toBe('Мебель: чат');
    const colours = await page.locator('header').evaluate((el) => {
      // Runs in the page (this file is type-checked without the DOM library).
      const style = (
        globalThis as unknown as { getComputedStyle(e: unknown): Record<'backgroundColor' | 'color', string> }
      ).getComputedStyle(el);
      return [style.backgroundColor, style.color];
    });
    // #ffcc00 is light: the text on it is black.
    expect(colours).toEqual(['rgb(255, 204, 0)', 'rgb(0, 0, 0)']);
  });
});
