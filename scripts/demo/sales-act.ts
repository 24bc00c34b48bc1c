/**
 * The demo's sales act (issue 19): one buyer from a first message to a paid invoice, through the amoCRM, Google
 * Calendar, YooKassa and SMTP simulators — a deal tagged `avito-lead`, the offer e-mailed with its PDF, a
 * consultation booked in the buyer's own words, a payment link in the chat, the buyer paying.
 */
import type { Listing } from '../../sim/avito/index.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import { EXAMPLE_SALES_CONFIG } from './examples.js';
import type { DemoStack } from './stack.js';
import type { Print } from './tour.js';
import { DemoStepError, waitFor } from './wait.js';

/** What the act's buyer writes, and the catalogue line the owner quotes (examples/sales.yaml). */
export const SALES_SCRIPT = {
  buyer: 'Ольга',
  phone: '+79161234567',
  email: 'olga@example.ru',
  first: 'Здравствуйте! Нужен угловой диван, телефон +7 916 123-45-67, почта olga@example.ru',
  order: ['sofa-milan', 'fabric=velour', 'corner=left'],
  consultation: 'Хочу консультацию, можно записаться?',
  choice: '2',
} as const;

const indent = (text: string, by = '    ') => `${by}${text.replace(/\n/g, `\n${by}`)}`;

function header(step: number, of: number, title: string): string {
  const line = `━━ Sales ${step}/${of} · ${title} `;
  return `\n${line}${'━'.repeat(Math.max(3, 78 - line.length))}`;
}

/** Runs the sales act against a started stack; throws {@link DemoStepError} when a step stalls. */
export async function runSalesAct(stack: DemoStack, print: Print, stepTimeoutMs: number): Promise<void> {
  const { session, service } = stack;
  const { avito, amocrm, calendar, yookassa, smtp } = session;
  const listing: Listing | undefined = stack.listings[0];
  if (!listing) throw new DemoStepError('examples/listings.json has no listings');
  const sales = await loadSalesConfig(EXAMPLE_SALES_CONFIG);
  const s = SALES_SCRIPT;
  const sentTo = (chatId: string) => avito.sentByApi().filter((m) => m.chatId === chatId);
  const mailsTo = () => smtp.messages().filter((m) => m.to.some((t) => t.address === s.email));
  const buyerWrites = (text: string) =>
    avito.buyerWrites({ itemId: listing.id, buyer: { name: s.buyer }, text });

  print(header(1, 4, 'A buyer becomes a lead and a deal in amoCRM'));
  print(`Buyer ${s.buyer} writes on Avito: «${s.first}»`);
  const { chatId } = await buyerWrites(s.first);
  const lead = await waitFor(
    'No lead was recorded for the buyer',
    () => service.store.leads.findOpenByConversation('avito', chatId),
    stepTimeoutMs,
  );
  const deal = await waitFor(
    'No deal appeared in amoCRM',
    () => amocrm.leads().find((d) => JSON.stringify(d.custom_fields_values ?? []).includes(chatId)),
    stepTimeoutMs,
  );
  print(
    `amoCRM deal #${deal.id} «${deal.name}», tags: ${amocrm
      .tagsOf(deal.id)
      .map((t) => t.name)
      .join(', ')}`,
  );

  print(header(2, 4, 'The owner sends an offer (КП) — it is e-mailed with its PDF'));
  const common = {
    config: sales,
    buyer: { name: s.buyer, phone: s.phone, email: s.email },
    now: new Date(),
    numbering: { sequences: service.store.sequences },
    maxBytes: service.config.sales.maxPdfBytes,
  };
  const offer = await issueDocument({
    ...common,
    kind: 'offer',
    order: orderFromWords(sales.priceList, [...s.order]),
  });
  const attached = await service.integrations.documentIssued(lead.id, offer, 'demo');
  if (!attached.ok) throw new DemoStepError(`The offer was not attached to the lead: ${attached.reason}`);
  const offerMail = await waitFor(
    'The offer was not e-mailed',
    () => mailsTo().find((m) => m.subject?.includes(offer.number)),
    stepTimeoutMs,
  );
  print(
    `E-mail to ${s.email}: «${offerMail.subject ?? ''}» with ${offerMail.attachments
      .map((a) => a.filename ?? a.contentType)
      .join(', ')}`,
  );

  print(header(3, 4, 'The buyer books a consultation in their own words'));
  print(`Buyer ${s.buyer}: «${s.consultation}»`);
  await buyerWrites(s.consultation);
  const slots = await waitFor(
    'No free slots were offered in the chat',
    () => sentTo(chatId).find((m) => m.text.includes('1)')),
    stepTimeoutMs,
  );
  print(`Buyer ${s.buyer} receives on Avito:\n${indent(slots.text)}`);
  print(`Buyer ${s.buyer}: «${s.choice}»`);
  await buyerWrites(s.choice);
  const event = await waitFor(
    'No event was booked in Google Calendar',
    () => calendar.events().find((e) => e.status !== 'cancelled'),
    stepTimeoutMs,
  );
  const booked = await waitFor(
    'The booking was not confirmed in the chat',
    () => {
      const sent = sentTo(chatId);
      return sent[sent.findIndex((m) => m.messageId === slots.messageId) + 1];
    },
    stepTimeoutMs,
  );
  print(`Google Calendar event «${String(event.summary)}»; the buyer receives:\n${indent(booked.text)}`);

  print(header(4, 4, 'An invoice, a payment link, the buyer pays'));
  const invoice = await issueDocument({ ...common, kind: 'invoice', order: { quote: offer.quote } });
  await service.integrations.documentIssued(lead.id, invoice, 'demo');
  const payment = await waitFor(
    'No YooKassa payment was created',
    () => yookassa.payments().find((p) => p.metadata.invoice_id === invoice.number),
    stepTimeoutMs,
  );
  const link = await waitFor(
    'The payment link did not reach the chat',
    () => sentTo(chatId).find((m) => m.text.includes(invoice.number)),
    stepTimeoutMs,
  );
  print(`Buyer ${s.buyer} receives on Avito:\n${indent(link.text)}`);
  await yookassa.buyerPays(payment.id);
  const paid = await waitFor(
    'The lead was not marked paid',
    async () => {
      const l = await service.leads.get(lead.id);
      return l?.stage === 'paid' ? l : null;
    },
    stepTimeoutMs,
  );
  print(
    `The buyer pays ${payment.amount.value} ₽ → YooKassa notifies the service → the lead is ${paid.stage}`,
  );
  await waitFor(
    'The invoice was not e-mailed',
    () => mailsTo().some((m) => m.subject?.includes(invoice.number)),
    stepTimeoutMs,
  );
  print(
    `E-mails to ${s.email}:\n${indent(
      mailsTo()
        .map((m) => `«${m.subject ?? ''}»`)
        .join('\n'),
    )}`,
  );
  print('Try it yourself at the prompt: `pay`, `deals`, `mail`.');
}
