import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvitoSim } from '../../sim/avito/index.js';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/google-calendar/index.js';
import type { TelegramSim } from '../../sim/telegram/index.js';
import type { TgMessage } from '../../sim/telegram/types.js';
import type { Lead } from '../../src/models/records.js';
import { type LeadCardWorld, startLeadCardWorld } from '../support/owner-lead-card.js';
import { eventually, type TestService } from '../support/service.js';

/** «14:00» of an instant in Moscow, as the card and the buyer's messages show it. */
const moscowTime = (instant: string | Date) =>
  new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));

type SimEvent = Record<string, unknown> & { id: string; status: string; start: { dateTime: string } };

/**
 * 📅 on the lead card: the real service with the Avito, Telegram and Google Calendar simulators (no YooKassa),
 * the owner tapping through grammY, the buyer answering on Avito.
 */
describe('📅 consultations from the lead card', () => {
  let calendar: GoogleCalendarSim;
  let world: LeadCardWorld;
  let svc: TestService;
  let avito: AvitoSim;
  let telegram: TelegramSim;
  let o: LeadCardWorld['owner'];
  let listingId: number;

  beforeAll(async () => {
    calendar = await startGoogleCalendarSim();
    world = await startLeadCardWorld({ calendar });
    ({ svc, avito, telegram, listingId, owner: o } = world);
  }, 60_000);

  afterAll(async () => {
    await world?.dispose();
    await calendar?.close();
  });

  const leadEvents = (lead: Lead) =>
    (calendar.events() as SimEvent[]).filter((e) => JSON.stringify(e).includes(lead.id));
  const liveEvents = (lead: Lead) => leadEvents(lead).filter((e) => e.status !== 'cancelled');

  /** 📅 from the card, the buyer picks the second slot; the card, refreshed, shows the booking. */
  async function bookFromCard(name: string) {
    const { lead, chatId } = await o.buyerLead(name, listingId);
    const card = await o.openCard(lead);
    expect(o.buttons(card)).toContain('📅 Предложить консультацию');
    expect(o.buttons(card)).not.toContain('🔁 Перенести');

    const answer = await o.tap(card, '📅 Предложить консультацию');
    expect(answer.text).toBe('📅 Свободное время отправлено покупателю');
    const offer = await eventually(
      () => o.sentTo(chatId).find((s) => /1\) .*\n2\) .*\n3\) /.test(s.text)),
      10_000,
    );
    await avito.buyerWrites({ itemId: listingId, buyer: { name }, text: '2' });
    await eventually(
      () => o.sentTo(chatId).find((s) => s.text.startsWith('Записал вас на консультацию')),
      10_000,
    );
    const [event] = liveEvents(lead);
    expect(event).toBeDefined();
    // The second slot offered is the one booked.
    expect(offer.text.split('\n').find((l) => l.startsWith('2)'))).toContain(
      moscowTime(event!.start.dateTime),
    );

    await o.tap(card, '🔄 Обновить');
    const shown = await o.edited(card.message_id, (m) => !!m.text?.includes('📅 Консультация:'));
    expect(shown.text).toContain(`${moscowTime(event!.start.dateTime)} (МСК)`);
    expect(o.buttons(shown)).toEqual(expect.arrayContaining(['🔁 Перенести', '✖️ Отменить консультацию']));
    expect(o.buttons(shown)).not.toContain('📅 Предложить консультацию');
    return { lead, chatId, card: shown, event: event! };
  }

  it('when the owner offers a consultation from the card, then the buyer gets free slots, picks one, and the card shows the booking in the seller’s time', async () => {
    const { lead } = await bookFromCard('Анна');
    expect((await svc.leads.get(lead.id))?.stage).toBe('booked');
    // YooKassa is not configured: no 💳 on the card, even with an invoice.
    const invoice = await world.invoice(lead);
    const card = await o.openCard(lead);
    expect(card.text).toContain(invoice.number);
    expect(o.buttons(card).some((b) => b.startsWith('💳') || b.startsWith('↩️'))).toBe(false);
    expect(card.text).not.toContain('💳');
  });

  it('when the owner reschedules, then backing out keeps the booking, and a picked slot moves the same event and tells the buyer', async () => {
    const { lead, chatId, card, event } = await bookFromCard('Борис');

    await o.tap(card, '🔁 Перенести');
    const picker = await o.edited(card.message_id, (m) => !!m.text?.includes('Перенос консультации'));
    expect(o.buttons(picker)).toContain('◀️ Назад');
    await o.tap(picker, '◀️ Назад');
    await o.edited(card.message_id, (m) => !!m.text?.includes('📅 Консультация:'));
    expect(liveEvents(lead).map((e) => [e.id, e.start.dateTime])).toEqual([[event.id, event.start.dateTime]]);

    await o.tap(o.message(card.message_id), '🔁 Перенести');
    const again = await o.edited(card.message_id, (m) => !!m.text?.includes('Перенос консультации'));
    const slot = o.buttons(again)[0]!;
    expect(slot).not.toContain(moscowTime(event.start.dateTime));
    const answer = await o.tap(again, slot);
    expect(answer.text).toMatch(/^(🔁 Переношу на .+, покупателю сообщим|⏳)/);

    // The same event, moved; nothing else booked.
    const moved = await eventually(() => {
      const live = liveEvents(lead);
      return live.length === 1 && live[0]!.start.dateTime !== event.start.dateTime ? live[0]! : null;
    }, 10_000);
    expect(moved.id).toBe(event.id);
    expect(slot).toContain(moscowTime(moved.start.dateTime));
    await eventually(
      () => o.sentTo(chatId).find((s) => s.text.includes(moscowTime(moved.start.dateTime)) && s.text !== ''),
      10_000,
    );
    const redrawn = await o.edited(
      card.message_id,
      (m) => !!m.text?.includes(`📅 Консультация:`) && !!m.text.includes(moscowTime(moved.start.dateTime)),
    );
    expect(o.buttons(redrawn)).toContain('🔁 Перенести');
  });

  it('when the owner cancels, then it is asked first, «Нет» keeps the event, «Да» deletes it, and a stale confirmation says so', async () => {
    const { lead, chatId, card, event } = await bookFromCard('Вера');
    // Only a configured owner: anyone else's tap is refused and changes nothing.
    const stranger = { id: 5005, is_bot: false, first_name: 'Чужой' };
    const refused = await telegram
      .tap(o.owner, card.message_id, '✖️ Отменить консультацию', stranger)
      .waitForAnswer(8000);
    expect(refused.text).toBe('Только владелец может это сделать.');
    expect(o.message(card.message_id).text).toContain('📅 Консультация:');
    // A second card of the same lead: its buttons go stale once the first one cancels.
    const other = await o.openCard(lead);
    await o.tap(other, '✖️ Отменить консультацию');
    const staleQuestion = await o.edited(
      other.message_id,
      (m) => !!m.text?.includes('Отменить консультацию'),
    );

    await o.tap(card, '✖️ Отменить консультацию');
    const question = await o.edited(card.message_id, (m) => !!m.text?.includes('Отменить консультацию'));
    expect(question.text).toContain(`${moscowTime(event.start.dateTime)} (МСК)?`);
    expect(o.buttons(question)).toEqual(['Да', 'Нет']);
    await o.tap(question, 'Нет');
    await o.edited(card.message_id, (m) => !!m.text?.includes('📅 Консультация:'));
    expect(liveEvents(lead)).toHaveLength(1);

    await o.tap(o.message(card.message_id), '✖️ Отменить консультацию');
    const confirm = await o.edited(card.message_id, (m) => o.buttons(m).includes('Да'));
    await o.tap(confirm, 'Да');
    await eventually(
      () => leadEvents(lead).find((e) => e.id === event.id && e.status === 'cancelled'),
      10_000,
    );
    expect(liveEvents(lead)).toEqual([]);
    await eventually(() => o.sentTo(chatId).find((s) => /отмен/i.test(s.text)), 10_000);
    const redrawn = await o.edited(card.message_id, (m) =>
      o.buttons(m).includes('📅 Предложить консультацию'),
    );
    expect(redrawn.text).not.toContain('📅 Консультация:');

    const stale = await o.tap(staleQuestion, 'Да');
    expect(stale.text).toBe('Записи уже нет: её отменили или перенесли');
    const staleRedrawn = await o.edited(other.message_id, (m: TgMessage) =>
      o.buttons(m).includes('📅 Предложить консультацию'),
    );
    expect(staleRedrawn.text).toContain('Этап:');
  });
});
