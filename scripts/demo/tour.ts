import { type Listing, priceString } from '../../sim/avito/index.js';
import { buttonTexts, formatTelegramMessage } from '../../sim/cli/format.js';
import type { TgMessage } from '../../sim/telegram/index.js';
import { type Texts, textsFor } from '../../src/texts/index.js';
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
  sale: {
    buyer: 'Светлана',
    listing: 0,
    text: 'Добрый день! Сколько стоит диван?',
    phone: 'Беру! Мой телефон 8 (916) 555-12-34, пришлите счёт',
  },
} as const;

/** Steps of the tour. */
const STEPS = 4;

/** The tour prints through this: one call per block of lines. */
export type Print = (text: string) => void;

/** Card labels are HTML in `src/texts/`; the Telegram simulator stores what the user sees. */
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
    print(header(1, STEPS, 'A buyer asks about delivery'));
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
    print(header(2, STEPS, 'A buyer asks something the documents do not answer'));
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
    print(header(3, STEPS, 'A buyer asks for a human'));
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

  // 4. A sale: the price from the calculator, a lead with the buyer's phone, an offer and an invoice as links.
  await salesAct(stack, print, stepTimeoutMs, { t, buyerWrites, cardFor, card, botMessages });
}

interface TourTools {
  t: Texts;
  buyerWrites(who: {
    buyer: string;
    listing: number;
    text: string;
  }): Promise<{ chatId: string; before: number }>;
  cardFor(text: string, before: number): Promise<TgMessage>;
  card(m: TgMessage): string;
  botMessages(): TgMessage[];
}

/** A document's download link as the desk sends it (`PUBLIC_URL/d/<token>`). */
const DOWNLOAD_LINK = /https?:\/\/\S+\/d\/[A-Za-z0-9_-]+/;

async function salesAct(
  stack: DemoStack,
  print: Print,
  stepTimeoutMs: number,
  tools: TourTools,
): Promise<void> {
  const { session, service, ownerId } = stack;
  const { avito, telegram } = session;
  const { t, buyerWrites, cardFor, card, botMessages } = tools;
  const step = TOUR_SCRIPT.sale;
  print(header(4, STEPS, 'A sale: price, lead, offer and invoice'));

  const tapAndWait = async (message: TgMessage, button: string) => {
    const tap = telegram.tap(ownerId, message.message_id, button);
    const answer = await tap.waitForAnswer(stepTimeoutMs).catch(() => {
      throw new DemoStepError(`The bot's answer to the [${button}] tap did not come`);
    });
    print(`Owner taps [${button}]${answer.text ? ` → bot: «${answer.text}»` : ''}`);
  };
  const nextBotMessage = (what: string, after: number, test: (m: TgMessage) => boolean) =>
    waitFor(what, () => botMessages().find((m) => m.message_id > after && test(m)), stepTimeoutMs);
  const sentTo = (chatId: string) => avito.sentByApi().filter((s) => s.chatId === chatId);

  // The price question: the draft quotes the calculator.
  const { chatId, before } = await buyerWrites(step);
  const draft = await cardFor(step.text, before);
  print(`Owner’s Telegram — the draft quotes the price list (the calculator’s figures):\n${card(draft)}`);
  await tapAndWait(draft, t.buttons.send);
  const price = await waitFor('The price did not reach the buyer', () => sentTo(chatId)[0], stepTimeoutMs);
  print(`Buyer ${step.buyer} receives on Avito:\n${indent(price.text)}`);

  // The buyer leaves a phone number: it lands on the lead.
  await buyerWrites({ ...step, text: step.phone });
  const lead = await waitFor(
    'The buyer’s phone did not reach the lead',
    async () => {
      const found = await service.store.leads.findOpenByConversation('avito', chatId);
      return found?.contact.phone ? found : null;
    },
    stepTimeoutMs,
  );
  print(`The lead now has the buyer’s phone: ${lead.contact.phone}`);

  // The owner opens /leads and the lead card.
  const beforeLeads = botMessages().at(-1)?.message_id ?? 0;
  telegram.userSends(ownerId, '/leads');
  print('Owner sends /leads');
  const summary = await nextBotMessage(
    '/leads did not answer',
    beforeLeads,
    (m) => buttonTexts(m).length > 0,
  );
  print(card(summary));
  const stageButton = buttonTexts(summary).find((b) => b.startsWith(t.sales.stage('new')));
  if (!stageButton) throw new DemoStepError(`/leads shows no new leads:\n${card(summary)}`);
  await tapAndWait(summary, stageButton);
  const page = await waitFor(
    'The stage’s leads were not listed',
    () =>
      telegram
        .chat(ownerId)
        .messages.find(
          (m) => m.message_id === summary.message_id && buttonTexts(m).some((b) => b.startsWith(step.buyer)),
        ),
    stepTimeoutMs,
  );
  const leadButton = buttonTexts(page).find((b) => b.startsWith(step.buyer))!;
  await tapAndWait(page, leadButton);
  const leadCard = await nextBotMessage('The lead card did not open', summary.message_id, (m) =>
    (m.text ?? '').includes(lead.id.slice(0, 8)),
  );
  print(`Owner’s Telegram — the lead card:\n${card(leadCard)}`);

  // 📄 КП and 🧾 Счёт: the PDF to the owner, ✅ sends the buyer a link.
  const links: string[] = [];
  for (const button of [t.sales.buttons.offer, t.sales.buttons.invoice]) {
    const last = botMessages().at(-1)?.message_id ?? 0;
    await tapAndWait(leadCard, button);
    const pdf = await nextBotMessage(
      `No document came for [${button}]`,
      last,
      (m) => m.document !== undefined,
    );
    print(`Owner’s Telegram — the PDF with its buttons:\n${card(pdf)}`);
    const sentBefore = sentTo(chatId).length;
    await tapAndWait(pdf, t.sales.buttons.sendDoc);
    // With payments on, the invoice also brings the buyer a payment link: the document's message is the one
    // with a download link, whichever comes first.
    const message = await waitFor(
      'The document link did not reach the buyer',
      () =>
        sentTo(chatId)
          .slice(sentBefore)
          .find((m) => DOWNLOAD_LINK.test(m.text)),
      stepTimeoutMs,
    );
    print(`Buyer ${step.buyer} receives on Avito:\n${indent(message.text)}`);
    const url = DOWNLOAD_LINK.exec(message.text)?.[0];
    if (!url) throw new DemoStepError(`no download link in «${message.text}»`);
    links.push(url);
  }

  // The buyer opens the links: PDFs, counted on the lead.
  for (const url of links) {
    const res = await fetch(url);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const isPdf = res.ok && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
    if (!isPdf) throw new DemoStepError(`the link ${url} did not download a PDF (HTTP ${res.status})`);
    print(
      `Buyer opens ${url.replace(/\/d\/.*/, '/d/…')} → ${res.headers.get('content-disposition') ?? ''}, ${bytes.length} bytes of PDF`,
    );
  }
  const after = await service.store.leads.get(lead.id);
  print(
    [
      `The lead is now at stage «${after?.stage}»; invoiced ${after?.amounts.invoiced} kopecks;`,
      `documents: ${after?.documents.map((d) => `${d.number} (downloads: ${d.downloads ?? 0})`).join(', ')}.`,
    ].join('\n'),
  );
}
