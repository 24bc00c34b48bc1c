import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramSim } from '../../sim/telegram/index.js';
import { startYooKassaSim, type YooKassaSim } from '../../sim/yookassa/index.js';
import type { Lead } from '../../src/models/records.js';
import { type LeadCardWorld, startLeadCardWorld } from '../support/owner-lead-card.js';
import { eventually, type TestService } from '../support/service.js';

/** 1230000 → «12 300,00 ₽» with plain spaces (the texts use Intl's no-break spaces; see `plain`). */
const rubles = (kopecks: number) =>
  `${String(Math.floor(kopecks / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(kopecks % 100).padStart(2, '0')} ₽`;
const plain = (text: string | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

/**
 * 💳 on the lead card: the real service with the Avito, Telegram and YooKassa simulators (no calendar), the
 * owner tapping through grammY, the buyer paying in the YooKassa simulator.
 */
describe('💳 payments from the lead card', () => {
  let yookassa: YooKassaSim;
  let world: LeadCardWorld;
  let svc: TestService;
  let telegram: TelegramSim;
  let o: LeadCardWorld['owner'];
  let listingId: number;

  beforeAll(async () => {
    yookassa = await startYooKassaSim({ notificationSourceAddress: '127.0.0.2' });
    world = await startLeadCardWorld({ yookassa });
    ({ svc, telegram, listingId, owner: o } = world);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
    await yookassa?.close();
  });

  /** An invoice issued for the lead: its payment made and its link sent to the buyer. */
  async function invoiced(name: string) {
    const { lead, chatId } = await o.buyerLead(name, listingId);
    const invoice = await world.invoice(lead);
    const payment = await eventually(
      () => yookassa.payments().find((p) => p.metadata.invoice_id === invoice.number),
      10_000,
    );
    const url = String((payment.confirmation as { confirmation_url?: string }).confirmation_url);
    await eventually(() => o.sentTo(chatId).find((s) => s.text.includes(url)), 10_000);
    return { lead, chatId, invoice, payment, total: invoice.total };
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
    expect(o.buttons(question)).toEqual(['Да', 'Нет', '✏️ Другая сумма']);
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

  it('when the owner types another amount, then a partial refund of exactly that amount is confirmed and made, and the rest can still be refunded', async () => {
    const { lead, invoice, payment, total } = await invoiced('Елена');
    await yookassa.buyerPays(payment.id);
    await paid(lead);
    const card = await o.openCard(lead);
    await o.tap(card, '↩️ Возврат');
    const question = await o.edited(card.message_id, (m) => o.buttons(m).includes('✏️ Другая сумма'));
    await o.tap(question, '✏️ Другая сумма');
    const ask = await o.botMessage((m) => !!m.text?.includes('Сколько вернуть'), card.message_id);
    expect(plain(ask.text)).toContain(
      `по счёту № ${invoice.number}? Напишите сумму в рублях, до ${rubles(total)}`,
    );

    telegram.userSends(o.owner, 'половину');
    const notAmount = await o.botMessage((m) => !!m.text?.startsWith('Нужна сумма от 0,01'), ask.message_id);
    telegram.userSends(o.owner, `${total}`); // more than was paid (kopecks typed as rubles)
    const tooMuch = await o.botMessage(
      (m) => !!m.text?.startsWith('Нужна сумма от 0,01'),
      notAmount.message_id,
    );
    telegram.userSends(o.owner, '1 000,50');
    const confirm = await o.botMessage(
      (m) => plain(m.text).includes('Вернуть 1 000,50 ₽'),
      tooMuch.message_id,
    );
    expect(refundsOf(payment.id)).toEqual([]);
    await o.tap(confirm, 'Да');

    const refund = await eventually(() => refundsOf(payment.id)[0], 10_000);
    expect(refund.amount.value).toBe('1000.50');
    const redrawn = await o.edited(confirm.message_id, (m) =>
      plain(m.text).includes('возвращено 1 000,50 ₽'),
    );
    expect(o.buttons(redrawn)).toContain('↩️ Возврат');
    const after = await eventually(async () => {
      const l = await svc.leads.get(lead.id);
      return l?.amounts.paid === total - 1000_50 ? l : null;
    }, 10_000);
    expect(after.amounts.paid).toBe(total - 1000_50);
    expect(refundsOf(payment.id)).toHaveLength(1);
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
