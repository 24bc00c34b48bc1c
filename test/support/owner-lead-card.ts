import { textsFor } from '../../src/bot/texts/index.js';
import type { Lead } from '../../src/models/records.js';
import type { AvitoSim } from '../../sim/avito/index.js';
import type { TelegramSim } from '../../sim/telegram/index.js';
import type { CallbackAnswer } from '../../sim/telegram/methods.js';
import type { InlineKeyboardMarkup, TgMessage } from '../../sim/telegram/types.js';
import { eventually, type TestService } from './service.js';

/**
 * The owner at the lead card of the real service, through the Telegram simulator (grammY on the other side),
 * and a buyer on the Avito simulator whose messages make the lead.
 */
export function ownerAtLeadCard(svc: TestService, telegram: TelegramSim, avito: AvitoSim) {
  const owner = telegram.user.id;
  const fromBot = () => telegram.chat(owner).messages.filter((m) => m.from?.is_bot);
  const lastId = () => Math.max(0, ...telegram.chat(owner).messages.map((m) => m.message_id));
  const buttons = (m: TgMessage) =>
    ((m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
  const dataOf = (m: TgMessage, text: string) =>
    ((m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
      .flat()
      .find((b) => b.text === text)?.callback_data;
  /** The bot's message `id` as it is now (edits included). */
  const message = (id: number) => telegram.chat(owner).messages.find((m) => m.message_id === id)!;
  const botMessage = (test: (m: TgMessage) => boolean, after = 0) =>
    eventually(() => fromBot().find((m) => m.message_id > after && test(m)), 10_000);
  /** Waits until message `id` shows `test` (the bot edits it in place). */
  const edited = (id: number, test: (m: TgMessage) => boolean) =>
    eventually(() => (test(message(id)) ? message(id) : null), 10_000);
  const tap = (m: TgMessage, buttonOrData: string): Promise<CallbackAnswer> =>
    telegram.tap(owner, m.message_id, buttonOrData).waitForAnswer(8000);
  const sentTo = (chatId: string) => avito.sentByApi().filter((s) => s.chatId === chatId);

  let phones = 0;
  /** A buyer writes on Avito with a phone of their own: their open lead. */
  async function buyerLead(name: string, listingId: number): Promise<{ lead: Lead; chatId: string }> {
    phones += 1;
    const { chatId } = await avito.buyerWrites({
      itemId: listingId,
      buyer: { name },
      text: `Здравствуйте! Нужен диван угловой. Телефон +7916${String(1000000 + phones * 7919).slice(-7)}`,
    });
    const lead = await eventually(() => svc.store.leads.findOpenByConversation('avito', chatId), 10_000);
    return { lead, chatId };
  }

  /** `/leads` → the lead's stage → the lead: its card (a new message). */
  async function openCard(lead: Lead): Promise<TgMessage> {
    const before = lastId();
    telegram.userSends(owner, '/leads');
    const list = await botMessage((m) => !!m.text?.includes('Открытые заявки'), before);
    const now = (await svc.leads.get(lead.id))!;
    const stage = buttons(list).find((b) => b.startsWith(`${textsFor('ru').sales.stage(now.stage)} (`))!;
    await tap(list, stage);
    const name = lead.contact.name!;
    const page = await edited(list.message_id, (m) => buttons(m).some((b) => b.startsWith(name)));
    await tap(
      page,
      buttons(page).find((b) => b.startsWith(name))!,
    );
    return botMessage((m) => !!m.text?.includes('Этап:'), list.message_id);
  }

  return {
    owner,
    fromBot,
    lastId,
    buttons,
    dataOf,
    message,
    botMessage,
    edited,
    tap,
    sentTo,
    buyerLead,
    openCard,
  };
}
