import { type Listing, priceString } from '../../sim/avito/index.js';
import { buttonTexts, formatTelegramMessage } from '../../sim/cli/format.js';
import type { TgMessage } from '../../sim/telegram/index.js';
import { type Texts, textsFor } from '../../src/bot/texts/index.js';
import type { DemoStack } from './stack.js';
import { DemoStepError, waitFor } from './wait.js';

/** What the tour's buyers write, and on which sample listing (index in `examples/listings.json`). */
export const TOUR_SCRIPT = {
  delivery: {
    buyer: 'Анна',
    listing: 0,
    text: 'Здравствуйте! Сколько стоит доставка и как быстро привезёте?',
  },
  unknown: { buyer: 'Игорь', listing: 1, text: 'Вы работаете в воскресенье?' },
  human: { buyer: 'Марина', listing: 0, text: 'Позовите менеджера, пожалуйста' },
} as const;

/** The tour prints through this: one call per block of lines. */
export type Print = (text: string) => void;

/** Card labels are HTML in `src/bot/texts/`; the Telegram simulator stores what the user sees. */
function plain(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const indent = (text: string, by = '    ') => `${by}${text.replace(/\n/g, `\n${by}`)}`;

function header(step: number, of: number, title: string): string {
  const line = `━━ Step ${step}/${of} · ${title} `;
  return `\n${line}${'━'.repeat(Math.max(3, 78 - line.length))}`;
}

/** Runs the three scripted steps against a started stack; throws {@link DemoStepError} when one stalls. */
export async function runTour(stack: DemoStack, print: Print, stepTimeoutMs: number): Promise<void> {
  const { session, service, ownerId } = stack;
  const { avito, telegram } = session;
  const botId = telegram.bot.id;

  // The store is always fresh (see startDemoStack): review mode and the configured locale.
  const t: Texts = textsFor(service.config.locale);

  const listingOf = (index: number): Listing => {
    const listing = stack.listings[index] ?? stack.listings[0];
    if (!listing) throw new DemoStepError('examples/listings.json has no listings');
    return listing;
  };
  const card = (m: TgMessage) => formatTelegramMessage(m, botId, '    ');
  const botMessages = () => telegram.chat(ownerId).messages.filter((m) => m.from?.id === botId);

  /** A buyer writes on Avito; returns the chat and the id of the last bot message before it. */
  const buyerWrites = async (who: { buyer: string; listing: number; text: string }) => {
    const listing = listingOf(who.listing);
    const before = botMessages().at(-1)?.message_id ?? 0;
    print(
      `Buyer ${who.buyer} writes on Avito about «${listing.title}» (${priceString(listing.price)}):\n` +
        indent(`«${who.text}»`),
    );
    const result = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: who.buyer },
      text: who.text,
    });
    const failed = result.deliveries.find((d) => d.state === 'failed');
    if (result.deliveries.length === 0 || failed) {
      throw new DemoStepError(
        `Avito could not deliver the buyer's message to the service's webhook` +
          (failed ? ` (${failed.attempts.at(-1)?.error ?? `HTTP ${failed.attempts.at(-1)?.status}`})` : ''),
      );
    }
    return { chatId: result.chatId, before };
  };

  /** Waits for the card about `text` (sent after message `before`, with buttons). */
  const cardFor = (text: string, before: number) =>
    waitFor(
      'No card about the buyer’s message appeared in the owner’s Telegram',
      () =>
        botMessages().find(
          (m) => m.message_id > before && m.text?.includes(text) === true && buttonTexts(m).length > 0,
        ),
      stepTimeoutMs,
    );

  const expectLabel = (message: TgMessage, label: string, what: string) => {
    if (!message.text?.includes(label)) {
      throw new DemoStepError(`expected ${what} (“${label}”), but the card reads:\n${card(message)}`);
    }
  };

  print(
    [
      '',
      'The service runs in review mode: every answer is a draft card in the owner’s Telegram',
      'and reaches the buyer only when the owner taps a button.',
    ].join('\n'),
  );

  // 1. A question the documents answer: draft → owner approves → the buyer gets it.
  {
    const step = TOUR_SCRIPT.delivery;
    print(header(1, 3, 'A buyer asks about delivery'));
    const { chatId, before } = await buyerWrites(step);
    const draft = await cardFor(step.text, before);
    expectLabel(draft, plain(t.card.draft), 'a draft answer');
    print(`Owner’s Telegram — a draft card with its sources:\n${card(draft)}`);

    const tap = telegram.tap(ownerId, draft.message_id, t.buttons.send);
    const answer = await tap.waitForAnswer(stepTimeoutMs).catch(() => {
      throw new DemoStepError(`The bot's answer to the [${t.buttons.send}] tap did not come`);
    });
    print(`Owner taps [${t.buttons.send}]${answer.text ? ` → bot: «${answer.text}»` : ''}`);

    const sent = await waitFor(
      'The approved answer did not reach the buyer on Avito',
      () => avito.sentByApi().find((s) => s.chatId === chatId),
      stepTimeoutMs,
    );
    print(`Buyer ${step.buyer} receives on Avito:\n${indent(sent.text)}`);
    // The card passes through "sending" (also without buttons) before it says "sent".
    const sentMark = t.status('sent', '', '', '').split(' (')[0] ?? '';
    const done = await waitFor(
      'The card was not marked as sent',
      () =>
        telegram
          .chat(ownerId)
          .messages.find(
            (m) =>
              m.message_id === draft.message_id &&
              buttonTexts(m).length === 0 &&
              (m.text?.split('\n').at(-1) ?? '').startsWith(sentMark),
          ),
      stepTimeoutMs,
    );
    print(`The card loses its buttons and now ends with: ${done.text?.split('\n').at(-1) ?? ''}`);
  }

  // 2. A question the documents do not answer: the fallback.
  {
    const step = TOUR_SCRIPT.unknown;
    print(header(2, 3, 'A buyer asks something the documents do not answer'));
    const { chatId, before } = await buyerWrites(step);
    const fallback = await cardFor(step.text, before);
    expectLabel(fallback, plain(t.card.fallbackDraft), 'a fallback card');
    print(`Owner’s Telegram — a fallback card:\n${card(fallback)}`);
    const sent = avito.sentByApi().filter((s) => s.chatId === chatId).length;
    print(
      [
        `Buyer ${step.buyer} has received ${sent === 0 ? 'nothing yet' : `${sent} message(s)`}: in review mode the owner decides —`,
        `[${t.buttons.send}] sends the fallback text, [${t.buttons.edit}] lets the owner write the real answer.`,
        'In auto mode (/mode auto) the fallback text would go to the buyer at once:',
        indent(`«${service.config.responder.fallbackText}»`),
        'and the owner would be alerted in Telegram:',
        indent(plain(t.notice.fallbackSent)),
      ].join('\n'),
    );
  }

  // 3. The buyer wants a person: escalation, never answered by the AI.
  {
    const step = TOUR_SCRIPT.human;
    print(header(3, 3, 'A buyer asks for a human'));
    const { before } = await buyerWrites(step);
    const escalation = await cardFor(step.text, before);
    expectLabel(escalation, plain(t.card.escalation('')).trim(), 'an escalation card');
    print(`Owner’s Telegram — an escalation card:\n${card(escalation)}`);
    print(
      [
        `Buyer ${step.buyer} gets no AI answer: escalations always wait for the owner, even in auto mode.`,
        `[${t.buttons.take}] — the owner takes the chat over and the AI stays silent in it;`,
        `[${t.buttons.reply}] — the owner types the answer right here in Telegram;`,
        `[${t.buttons.ai}] — the AI answers after all (in review mode as a new draft card).`,
      ].join('\n'),
    );
  }
}
