import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 60_000;

describe('npm run demo', () => {
  let demo: CliProcess | undefined;

  afterEach(async () => {
    await demo?.kill();
    demo = undefined;
  });

  it(
    'when run with --exit, then the tour shows an approved delivery answer, a fallback card, an escalation card, a sale from the price list, and the sales act from a deal to a paid invoice, and exits 0',
    async () => {
      demo = new CliProcess('scripts/demo.ts', ['--exit']);
      const code = await demo.exited;
      expect(code, `stdout:\n${demo.out}\nstderr:\n${demo.err}`).toBe(0);
      const out = demo.out;
      const deliveryDoc = readFileSync(`${ROOT}/examples/docs/Доставка и оплата.md`, 'utf8');
      const deliveryFact = 'Доставка по Москве курьером стоит 500 рублей и занимает 1–2 дня.';
      expect(deliveryDoc).toContain(deliveryFact);

      // Step 1: draft card → owner taps ✅ → the buyer receives the grounded answer.
      const step1 = out.slice(out.indexOf('Step 1/4'), out.indexOf('Step 2/4'));
      expect(step1).toMatch(/🤖 Черновик/);
      expect(step1).toContain('[✅ Отправить]');
      expect(step1).toContain('Owner taps [✅ Отправить]');
      expect(step1).toMatch(
        new RegExp(
          `Buyer Анна receives on Avito:\\n\\s+${deliveryFact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        ),
      );
      expect(step1).toMatch(/✅ отправлено/);

      // Step 2: nothing in the documents → a fallback card, nothing sent; auto mode explained.
      const step2 = out.slice(out.indexOf('Step 2/4'), out.indexOf('Step 3/4'));
      expect(step2).toContain('🤷 Запасной ответ (в документах не нашлось)');
      expect(step2).toContain('Спасибо за вопрос! Уточню детали и скоро вернусь с ответом.');
      expect(step2).toContain('Buyer Игорь has received nothing yet');
      expect(step2).toContain('In auto mode');

      // Step 3: the buyer asks for a person → an escalation card with its three buttons.
      const step3 = out.slice(out.indexOf('Step 3/4'), out.indexOf('Step 4/4'));
      expect(step3).toContain('«Позовите менеджера, пожалуйста»');
      expect(step3).toContain('🙋 Нужен человек');
      expect(step3).toMatch(/\[🙋 Беру на себя\]\n\s+\[✍️ Ответить\] \[🤖 Пусть отвечает ИИ\]/);

      // Step 4: the calculator's price, the buyer's phone on the lead, an offer and an invoice as links.
      const step4 = out.slice(out.indexOf('Step 4/4'), out.indexOf('Sales 1/4'));
      expect(step4).toMatch(
        /Buyer Светлана receives on Avito:\n\s+Расчёт по прайс-листу продавца:[\s\S]*Итого: 32\s900\s₽/,
      );
      expect(step4).toContain('The lead now has the buyer’s phone: +79165551234');
      expect(step4).toMatch(/\[file offer-KP-\d{4}-0001\.pdf\] Коммерческое предложение № КП-\d{4}-0001/);
      expect(step4).toMatch(
        /Коммерческое предложение № КП-\d{4}-0001: http:\/\/127\.0\.0\.1:\d+\/d\/[A-Za-z0-9_-]{43}/,
      );
      expect(step4).toMatch(
        /Счёт на оплату № СЧ-\d{4}-0001: http:\/\/127\.0\.0\.1:\d+\/d\/[A-Za-z0-9_-]{43}/,
      );
      expect(step4).toMatch(/attachment; filename="offer-KP-\d{4}-0001\.pdf", \d+ bytes of PDF/);
      expect(step4).toMatch(/attachment; filename="invoice-SCH-\d{4}-0001\.pdf", \d+ bytes of PDF/);
      expect(step4).toContain('The lead is now at stage «invoiced»; invoiced 3290000 kopecks;');
      expect(step4).toMatch(/КП-\d{4}-0001 \(downloads: 1\), СЧ-\d{4}-0001 \(downloads: 1\)/);

      // The sales act: a deal in amoCRM, the offer e-mailed, a consultation booked, an invoice paid.
      const sales = out.slice(out.indexOf('Sales 1/4'));
      expect(sales).toMatch(/amoCRM deal #\d+ «.*Ольга», tags: avito-lead/);
      expect(sales).toMatch(
        /E-mail to olga@example\.ru: «Коммерческое предложение № КП-\d{4}-\d{4}.*» with КП-.*\.pdf/,
      );
      expect(sales).toMatch(/1\) .*\n\s+2\) .*\n\s+3\) /);
      expect(sales).toContain('Записал вас на консультацию');
      expect(sales).toMatch(
        /Счёт № СЧ-\d{4}-\d{4} на .*Оплатить онлайн: http:\/\/127\.0\.0\.1:\d+\/checkout\//,
      );
      expect(sales).toContain('the lead is paid');
      expect(out).toContain('Tour done');
      expect(out).toContain('Demo stopped (--exit).');
      expect(demo.err).not.toContain('tour failed');
    },
    TIMEOUT_MS,
  );

  it(
    'when run with --no-tour, then a person can play an Avito and a Telegram buyer and the owner from stdin, the widget page is served, and quit',
    async () => {
      demo = new CliProcess('scripts/demo.ts', ['--no-tour']);
      await demo.waitFor(/Your turn[\s\S]*printed as they appear/, 20_000);
      expect(demo.out).not.toContain('Step 1/4');

      demo.send('buyer new Можно забрать самовывозом сегодня?');
      await demo.waitFor(/\[telegram\]\n[\s\S]*Самовывоз бесплатный[\s\S]*\[✅ Отправить\]/, 20_000);
      demo.send('tap отправить'); // emoji and case optional
      await demo.waitFor(/owner tapped \[✅ Отправить\] on #1/, 20_000);
      await demo.waitFor(/\[avito\] service → buyer in chat \S+:\n {2}Самовывоз бесплатный/, 20_000);

      // The website widget's demo page is served, and the summary says where.
      const [, widgetUrl] = /Website widget\s+(\S+\/widget\/demo)/.exec(demo.out) ?? [];
      expect(widgetUrl, demo.out).toBeDefined();
      expect((await fetch(widgetUrl!)).status).toBe(200);
      // The same journey with the Telegram buyer bot: the card names the channel, the answer reaches the buyer.
      expect(demo.out).toMatch(
        /Telegram buyer bot\s+@shop_buyers_bot\s+\(write to it with: tgbuyer <text>\)/,
      );
      demo.send('tgbuyer Можно забрать самовывозом сегодня?');
      await demo.waitFor(
        /\[telegram\]\n[^[]*· Telegram[\s\S]*Самовывоз бесплатный[\s\S]*\[✅ Отправить\]/,
        20_000,
      );
      demo.send('tap отправить');
      await demo.waitFor(/\[telegram buyer\] @shop_buyers_bot → buyer:\n {2}Самовывоз бесплатный/, 20_000);

      demo.send('quit');
      expect(await demo.exited).toBe(0);
      expect(demo.out).toContain('Demo stopped (quit).');
    },
    TIMEOUT_MS,
  );

  it(
    'when auto mode is asked the laptop warranty, then the buyer gets the warranty document, not the listing restated',
    async () => {
      demo = new CliProcess('scripts/demo.ts', ['--no-tour']);
      await demo.waitFor(/Your turn[\s\S]*printed as they appear/, 20_000);
      const warranty = readFileSync(`${ROOT}/examples/docs/Гарантия и возврат.md`, 'utf8');
      expect(warranty).toContain('на ноутбуки — 3 месяца');

      demo.send('owner /mode auto');
      await demo.waitFor(/Режим: 🤖 Авто/, 20_000);
      demo.send('buyer item:4341979280 Какая гарантия на ноутбук?');
      const [sent] = await demo.waitFor(/\[avito\] service → buyer in chat \S+:\n {2}[^\n]+/, 20_000);
      expect(sent).toContain('на ноутбуки — 3 месяца');
      expect(sent).not.toMatch(/Объявление:|Категория:/);

      demo.send('quit');
      expect(await demo.exited).toBe(0);
    },
    TIMEOUT_MS,
  );
});
