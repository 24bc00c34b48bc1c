import { formatTelegramMessage } from '../../sim/cli/format.js';
import { watchBuyerBot } from '../../sim/cli/session.js';
import type { TgMessage } from '../../sim/telegram/index.js';
import type { DemoStack } from './stack.js';

/**
 * Reports, every `intervalMs`, the bot messages in the owner's chat that are new or edited and what the
 * service sent to Avito buyers and the Telegram buyer bot to its buyer — from now on: what is already there (the tour) is not repeated.
 * Returns a function that stops watching.
 */
export function watchStack(stack: DemoStack, log: (text: string) => void, intervalMs = 300): () => void {
  const { avito, telegram } = stack.session;
  const botId = telegram.bot.id;
  const botMessages = () => telegram.chat(stack.ownerId).messages.filter((m) => m.from?.id === botId);
  const signature = (m: TgMessage) => JSON.stringify([m.text, m.caption, m.reply_markup, m.edit_date]);
  const seen = new Map(botMessages().map((m) => [m.message_id, signature(m)]));
  let sentCount = avito.sentByApi().length;
  const buyerBotNews = watchBuyerBot(telegram);

  const tick = () => {
    for (const m of botMessages()) {
      const before = seen.get(m.message_id);
      const now = signature(m);
      if (before === now) continue;
      seen.set(m.message_id, now);
      log(`[telegram]${before === undefined ? '' : ' edited'}\n${formatTelegramMessage(m, botId)}`);
    }
    const sent = avito.sentByApi();
    for (const s of sent.slice(sentCount)) {
      log(`[avito] service → buyer in chat ${s.chatId}:\n  ${s.text.replace(/\n/g, '\n  ')}`);
    }
    sentCount = sent.length;
    for (const line of buyerBotNews()) log(line);
  };
  const timer = setInterval(() => {
    try {
      tick();
    } catch {
      // A simulator closing under the watcher: nothing to report.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
