import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { startYooKassaSim, type YooKassaSim } from '../../sim/yookassa/index.js';
import type { Lead } from '../../src/models/records.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import { freePort } from '../faults/harness.js';
import { ownerAtLeadCard } from '../support/owner-lead-card.js';
import { pipelineSalesYaml } from '../support/pipeline.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

/** 1230000 → «12 300,00 ₽» with plain spaces (the texts use Intl's no-break spaces; see `plain`). */
const rubles = (kopecks: number) =>
  `${String(Math.floor(kopecks / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(kopecks % 100).padStart(2, '0')} ₽`;
const plain = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

/**
 * 💳 on the lead card: the real service with the Avito, Telegram and YooKassa simulators (no calendar), the
 * owner tapping through grammY, the buyer paying in the YooKassa simulator.
 */
describe('💳 payments from the lead card', () => {
  let dir: string;
  let avito: AvitoSim;
  let telegram: TelegramSim;
  let yookassa: YooKassaSim;
  let svc: TestService;
  let o: ReturnType<typeof ownerAtLeadCard>;
  let listingId: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lead-payment-'));
    writeFileSync(join(dir, 'sales.yaml'), pipelineSalesYaml());
    avito = await startAvitoSim();
    telegram = await startTelegramSim();
    yookassa = await startYooKassaSim({ notificationSourceAddress: '127.0.0.2' });
    const port = await freePort();
    svc = await startTestService(
      {
        ...serviceEnvFor({ avito, telegram, yookassa, yookassaSource: '127.0.0.2' }),
        PORT: String(port),
        // YooKassa sends the buyer back here; the owner's bot takes its updates by webhook then.
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SALES_CONFIG: join(dir, 'sales.yaml'),
      },
      undefined,
      { integrations: { retry: { baseMs: 40, maxMs: 300, maxAttempts: 10_000 }, briefDelayMs: 0 } },
    );
    yookassa.setNotificationUrl(`${svc.http.url}/yookassa/notifications`);
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
    listingId = avito.seedListing({ title: 'Диван угловой «Милан»', price: 54900 }).id;
    o = ownerAtLeadCard(svc, telegram, avito);
  }, 60_000);

  afterAll(async () => {
    await svc?.dispose();
    await Promise.all([avito?.close(), telegram?.close(), yookassa?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** An invoice issued for the lead: its payment made and its link sent to the buyer. */
  async function invoiced(name: string) {
    const { lead, chatId } = await o.buyerLead(name, listingId);
    const sales = await loadSalesConfig(join(dir, 'sales.yaml'));
    const invoice = await issueDocument({
      kind: 'invoice',
      config: sales,
      order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
      buyer: { name, phone: '+79160000002', email: null },
      now: new Date(),
      numbering: { sequences: svc.store.sequences },
      maxBytes: 10 * 1024 * 1024,
    });
    expect((await svc.integrations.documentIssued(lead.id, invoice, 'tg:1')).ok).toBe(true);
    const payment = await eventually(
      () => yookassa.payments().find((p) => p.metadata.invoice_id === invoice.number),
      10_000,
    );
    const url = String((payment.confirmation as { confirmation_url?: string }).confirmation_url);
    await eventually(() => o.sentTo(chatId).find((s) => s.text.includes(url)), 10_000);
    return { lead, chatId, invoice, payment, total: invoice.quote.total };
  }

  const refundsOf = (paymentId: string) => yookassa.refunds().filter((r) => r.payment_id === paymentId);
  const paid = (lead: Lead) =>
    eventually(async () => {
      const l = await svc.leads.get(lead.id);
      return l?.stage === 'paid' ? l : null;
    }, 10_000);

  it('when a paid invoice is refunded from the card, then it is confirmed with the amount first and refunded in YooKassa once, however often «Да» is pressed', async () => {
    const { lead, invoice, payment, total } = await invoiced('Галина');
    const card = await o.openCard(lead);
    // The link went out already: no button for it, the line says so; no calendar configured: no 📅.
    expect(card.text).toContain(`💳 Счёт № ${invoice.number}: ссылка на оплату отправлена, ждём оплату`);
    expect(o.buttons(card).some((b) => b.startsWith('💳') || b.startsWith('↩️') || b.startsWith('📅'))).toBe(
      false,
    );

    await yookassa.buyerPays(payment.id);
    await paid(lead);
    await o.tap(card, '🔄 Обновить');
    const paidCard = await o.edited(card.message_id, (m) => o.buttons(m).includes('↩️ Возврат'));
    expect(plain(paidCard.text)).toContain(`💳 Счёт № ${invoice.number}: оплачено ${rubles(total)}`);

    await o.tap(paidCard, '↩️ Возврат');
    const question = await o.edited(card.message_id, (m) => o.buttons(m).includes('Да'));
    expect(plain(question.text)).toContain(`Вернуть ${rubles(total)} по счёту № ${invoice.number}?`);
    expect(o.buttons(question)).toEqual(['Да', 'Нет']);
    await o.tap(question, 'Нет');
    await o.edited(card.message_id, (m) => o.buttons(m).includes('↩️ Возврат'));
    expect(refundsOf(payment.id)).toEqual([]);

    await o.tap(o.message(card.message_id), '↩️ Возврат');
    const confirm = await o.edited(card.message_id, (m) => o.buttons(m).includes('Да'));
    // Pressed twice before the first tap is answered: both taps carry the same confirmation.
    const first = telegram.tap(o.owner, confirm.message_id, 'Да');
    const second = telegram.tap(o.owner, confirm.message_id, 'Да');
    const answers = await Promise.all([first.waitForAnswer(8000), second.waitForAnswer(8000)]);
    expect(plain(answers[0].text)).toBe(`↩️ Возврат ${rubles(total)} отправлен в ЮKassa`);
    expect(answers[1].text).toMatch(/^(Уже возвращено|↩️ Возврат)/);

    const refunded = await eventually(async () => {
      const l = await svc.leads.get(lead.id);
      return l?.amounts.paid === 0 ? l : null;
    }, 10_000);
    expect(refunded.amounts.paid).toBe(0);
    const redrawn = await o.edited(card.message_id, (m) => plain(m.text).includes('возвращено'));
    expect(plain(redrawn.text)).toContain(`оплачено ${rubles(total)}, возвращено ${rubles(total)}`);
    expect(o.buttons(redrawn)).not.toContain('↩️ Возврат');
    await o.botMessage((m) =>
      plain(m.text).includes(`💳 Возврат ${rubles(total)} по счёту № ${invoice.number} проведён`),
    );
    // Whatever came late (a retried job, the second tap) made no second refund.
    await new Promise((r) => setTimeout(r, 500));
    expect(refundsOf(payment.id)).toHaveLength(1);
    expect(refundsOf(payment.id)[0]!.amount.value).toBe((total / 100).toFixed(2));
  });

  it('when the buyer’s payment failed, then the card offers a new payment link and it reaches the buyer', async () => {
    const { lead, chatId, invoice, payment } = await invoiced('Дмитрий');
    await yookassa.buyerCancels(payment.id);
    const card = await eventually(async () => {
      const c = await o.openCard(lead);
      return c.text?.includes('платёж не состоялся') ? c : null;
    }, 10_000);
    expect(o.buttons(card)).toContain('💳 Ссылка на оплату');

    const answer = await o.tap(card, '💳 Ссылка на оплату');
    expect(answer.text).toMatch(/^(💳 Ссылка на оплату уйдёт покупателю|⏳)/);
    const again = await eventually(
      () => yookassa.payments().find((p) => p.metadata.invoice_id === invoice.number && p.id !== payment.id),
      10_000,
    );
    const url = String((again.confirmation as { confirmation_url?: string }).confirmation_url);
    await eventually(() => o.sentTo(chatId).find((s) => s.text.includes(url)), 10_000);
    const redrawn = await o.edited(card.message_id, (m) => !!m.text?.includes('ссылка на оплату отправлена'));
    expect(o.buttons(redrawn)).not.toContain('💳 Ссылка на оплату');
  });
});
