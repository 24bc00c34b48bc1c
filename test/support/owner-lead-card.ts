import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textsFor } from '../../src/texts/index.js';
import type { Lead } from '../../src/models/records.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor, writeServiceAccountKey } from '../../sim/env.js';
import type { GoogleCalendarSim } from '../../sim/google-calendar/index.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import type { YooKassaSim } from '../../sim/yookassa/index.js';
import { freePort } from '../faults/harness.js';
import { pipelineSalesYaml } from './pipeline.js';
import type { CallbackAnswer } from '../../sim/telegram/methods.js';
import type { InlineKeyboardMarkup, TgMessage } from '../../sim/telegram/types.js';
import { eventually, startTestService, type TestService } from './service.js';

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

export interface LeadCardWorld {
  svc: TestService;
  avito: AvitoSim;
  telegram: TelegramSim;
  /** A listing the buyers write about. */
  listingId: number;
  owner: ReturnType<typeof ownerAtLeadCard>;
  /** Issues an invoice for the lead's sofa and attaches it (as the owner's 🧾 does). */
  invoice(lead: Lead): Promise<{ number: string; total: number }>;
  dispose(): Promise<void>;
}

/**
 * The real service with the Avito and Telegram simulators, round-the-clock consultations in its sales
 * configuration, and the given integration simulators (YooKassa's notifications come from 127.0.0.2; with
 * YooKassa, `PUBLIC_URL` is set, so the owner's bot takes its updates by webhook).
 */
export async function startLeadCardWorld(sims: {
  calendar?: GoogleCalendarSim;
  yookassa?: YooKassaSim;
}): Promise<LeadCardWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'lead-card-'));
  const salesConfig = join(dir, 'sales.yaml');
  writeFileSync(salesConfig, pipelineSalesYaml());
  const avito = await startAvitoSim();
  const telegram = await startTelegramSim();
  const { calendar, yookassa } = sims;
  const port = await freePort();
  const svc = await startTestService(
    {
      ...serviceEnvFor({
        avito,
        telegram,
        ...(calendar ? { calendar: { sim: calendar, keyFile: writeServiceAccountKey(calendar, dir) } } : {}),
        ...(yookassa ? { yookassa, yookassaSource: '127.0.0.2' } : {}),
      }),
      PORT: String(port),
      // YooKassa sends the buyer back to PUBLIC_URL after paying.
      ...(yookassa ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
      SALES_CONFIG: salesConfig,
    },
    undefined,
    { integrations: { retry: { baseMs: 40, maxMs: 300, maxAttempts: 10_000 }, briefDelayMs: 0 } },
  );
  yookassa?.setNotificationUrl(`${svc.http.url}/yookassa/notifications`);
  const secret = await svc.store.kv.get<string>('avito:webhook-secret');
  await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
  const listingId = avito.seedListing({ title: 'Диван угловой «Милан»', price: 54900 }).id;
  return {
    svc,
    avito,
    telegram,
    listingId,
    owner: ownerAtLeadCard(svc, telegram, avito),
    async invoice(lead) {
      const sales = await loadSalesConfig(salesConfig);
      const invoice = await issueDocument({
        kind: 'invoice',
        config: sales,
        order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
        buyer: { name: lead.contact.name ?? 'Покупатель', phone: '+79160000002' },
        now: new Date(),
        numbering: { sequences: svc.store.sequences },
        maxBytes: 10 * 1024 * 1024,
      });
      const attached = await svc.integrations.documentIssued(lead.id, invoice, 'tg:1');
      if (!attached.ok) throw new Error(`invoice not attached: ${attached.reason}`);
      return { number: invoice.number, total: invoice.quote.total };
    },
    async dispose() {
      await svc.dispose();
      await Promise.all([avito.close(), telegram.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
