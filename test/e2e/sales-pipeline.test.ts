import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, startAmoCrmSim, WON_STATUS_ID } from '../../sim/amocrm/index.js';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor, writeServiceAccountKey } from '../../sim/env.js';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/google-calendar/index.js';
import { type SmtpSim, startSmtpSim } from '../../sim/smtp/index.js';
import { startYooKassaSim, type YooKassaSim } from '../../sim/yookassa/index.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import { freePort } from '../faults/harness.js';
import { PIPELINE_STATUS_MAP, pipelineSalesYaml } from '../support/pipeline.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { eventually, startTestService, subscribeAndTeach, type TestService } from '../support/service.js';

const PHONE = '+79161234567';
const EMAIL = 'anna@example.ru';

/** A POST to the service from a chosen loopback address (the notification's source). */
function postFrom(url: string, from: string, body: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '185.71.76.1' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The plan's sales-pipeline test: the real service with every simulator, one buyer from the first message to a
 * paid lead, with amoCRM down in the middle and a forged payment notification on the way.
 */
describe('the sales pipeline end to end (Avito → amoCRM → calendar → YooKassa → e-mail)', () => {
  let dir: string;
  let avito: AvitoSim;
  let amo: AmoCrmSim;
  let calendar: GoogleCalendarSim;
  let yookassa: YooKassaSim;
  let smtp: SmtpSim;
  let svc: TestService;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
    writeFileSync(join(dir, 'sales.yaml'), pipelineSalesYaml(PIPELINE_STATUS_MAP));
    avito = await startAvitoSim();
    amo = await startAmoCrmSim({ longLivedTokens: ['e2e-long-lived-token'] });
    calendar = await startGoogleCalendarSim();
    yookassa = await startYooKassaSim({ notificationSourceAddress: '127.0.0.2' });
    smtp = await startSmtpSim();
    const port = await freePort();
    notifier = new RecordingNotifier();
    svc = await startTestService(
      {
        ...serviceEnvFor({
          avito,
          amocrm: amo,
          calendar: { sim: calendar, keyFile: writeServiceAccountKey(calendar, dir) },
          yookassa,
          yookassaSource: '127.0.0.2',
          smtp,
        }),
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SALES_CONFIG: join(dir, 'sales.yaml'),
        // Only this address may forward for others: a loopback client cannot claim YooKassa's address.
        YOOKASSA_TRUSTED_PROXIES: '127.0.0.9',
      },
      undefined,
      {
        notifier,
        integrations: {
          retry: { baseMs: 50, maxMs: 400, maxAttempts: 10_000 },
          briefDelayMs: 0,
          amoClient: { maxAttempts: 1, timeoutMs: 3000 },
        },
      },
    );
    yookassa.setNotificationUrl(`${svc.http.url}/yookassa/notifications`);
    await subscribeAndTeach(svc, { fileName: 'Доставка.txt', text: 'Доставка по Москве 500 рублей.' });
  });

  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), amo.close(), calendar.close(), yookassa.close(), smtp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const sentTo = (chatId: string) => avito.sentByApi().filter((s) => s.chatId === chatId);
  const mailsTo = (address: string) => smtp.messages().filter((m) => m.to.some((t) => t.address === address));

  it('when a buyer goes from a first message to paying, then the lead is paid in our store and in amoCRM once, with every e-mail, through an amoCRM outage and a forged notification', async () => {
    const sales = await loadSalesConfig(join(dir, 'sales.yaml'));
    const listing = avito.seedListing({ title: 'Диван угловой «Милан»', price: 54900 });

    // 1. A buyer writes on Avito: a lead, and a deal in amoCRM tagged avito-lead with the contact.
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: `Здравствуйте! Нужен диван угловой, 2 шт. Телефон ${PHONE}, почта ${EMAIL}`,
    });
    const lead = await eventually(() => svc.store.leads.findOpenByConversation('avito', chatId));
    const deal = await eventually(() => amo.leads()[0], 10_000);
    expect(amo.tagsOf(deal.id).map((t) => t.name)).toContain('avito-lead');
    expect(amo.contacts().some((c) => JSON.stringify(c).includes('9161234567'))).toBe(true);
    expect(JSON.stringify(deal.custom_fields_values)).toContain(`messenger/channel/${chatId}`);

    // 2. The brief is filled from the buyer's words and noted on the deal.
    const withBrief = await eventually(async () => {
      const l = await svc.leads.get(lead.id);
      return l && Object.keys(l.brief).length > 0 ? l : null;
    });
    expect(withBrief.brief.quantity?.value).toBe(2);
    await eventually(
      () => amo.notesOf(deal.id).some((n) => String(n.params.text).startsWith('Бриф:')),
      10_000,
    );

    // 3. The offer (КП) PDF: issued, attached, e-mailed with the PDF; the deal moves with our stage.
    const offer = await issueDocument({
      kind: 'offer',
      config: sales,
      order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
      buyer: { name: 'Анна', phone: PHONE, email: EMAIL },
      now: new Date(),
      numbering: { sequences: svc.store.sequences },
      maxBytes: 10 * 1024 * 1024,
    });
    expect((await svc.integrations.documentIssued(lead.id, offer, 'tg:1')).ok).toBe(true);
    await svc.leads.moveStage(lead.id, 'offer_sent', 'tg:1');
    const offerMail = await eventually(() => mailsTo(EMAIL).find((m) => m.subject?.includes(offer.number)));
    expect(offerMail.attachments.map((a) => a.contentType)).toContain('application/pdf');
    const negotiation = amo.pipeline.statuses.find((s) => s.name === 'Переговоры')!.id;
    await eventually(() => amo.lead(deal.id)?.status_id === negotiation, 10_000);

    // 4. amoCRM goes down; the buyer books a consultation meanwhile.
    amo.faults.add({ match: '/api/v4/', fault: { kind: 'status', status: 503 } });
    await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Хочу консультацию, можно записаться?',
    });
    const offerMessage = await eventually(() => sentTo(chatId).find((s) => s.text.includes('1)')));
    expect(offerMessage.text).toMatch(/1\) .*\n2\) .*\n3\) /);
    await avito.buyerWrites({ itemId: listing.id, buyer: { name: 'Анна' }, text: '2' });
    await eventually(() => sentTo(chatId).find((s) => s.text.startsWith('Записал вас на консультацию')));
    const events = calendar.events().filter((e) => e.status !== 'cancelled');
    expect(events).toHaveLength(1);
    expect((await svc.leads.get(lead.id))?.stage).toBe('booked');
    const booking = await eventually(() =>
      mailsTo(EMAIL).find((m) => m.attachments.some((a) => a.contentType.startsWith('text/calendar'))),
    );
    expect(booking.subject).toMatch(/Запись подтверждена/);
    expect(notifier.alerts.some((a) => a.alert.kind === 'consultation')).toBe(true);
    // The deal waits: nothing reached amoCRM while it was down, and nothing was lost; /ready says so.
    expect(amo.notesOf(deal.id).some((n) => String(n.params.text).startsWith('Консультация'))).toBe(false);
    const down = await eventually(async () => {
      const check = (await svc.readiness.report()).checks.amocrm;
      return check?.status === 'degraded' ? check : null;
    });
    expect(down.detail).toMatch(/503/);
    expect((await svc.readiness.report()).status).toBe('ok');
    amo.faults.clear();
    const decision = amo.pipeline.statuses.find((s) => s.name === 'Принимают решение')!.id;
    await eventually(() => amo.lead(deal.id)?.status_id === decision, 20_000);
    await eventually(
      () => amo.notesOf(deal.id).some((n) => String(n.params.text).startsWith('Консультация назначена')),
      20_000,
    );

    // 5. The invoice gets a payment; its link goes to the buyer's chat and, with the PDF, to their e-mail.
    const invoice = await issueDocument({
      kind: 'invoice',
      config: sales,
      order: { quote: offer.quote },
      buyer: { name: 'Анна', phone: PHONE, email: EMAIL },
      now: new Date(),
      numbering: { sequences: svc.store.sequences },
      maxBytes: 10 * 1024 * 1024,
    });
    await svc.integrations.documentIssued(lead.id, invoice, 'tg:1');
    const payment = await eventually(() => yookassa.payments()[0], 10_000);
    expect(payment.metadata.invoice_id).toBe(invoice.number);
    const confirmation = String((payment.confirmation as { confirmation_url?: string }).confirmation_url);
    await eventually(() => sentTo(chatId).find((s) => s.text.includes(confirmation)));
    const invoiceMail = await eventually(() =>
      mailsTo(EMAIL).find((m) => m.subject?.includes(invoice.number)),
    );
    expect(invoiceMail.text).toContain(confirmation);
    await eventually(async () => (await svc.leads.get(lead.id))?.stage === 'invoiced');

    // 6. Forged notifications: from outside YooKassa's ranges (refused), and from inside for an unpaid payment.
    const forged = yookassa.notificationBody('payment.succeeded', {
      ...payment,
      status: 'succeeded',
      paid: true,
    });
    const notifications = `${svc.http.url}/yookassa/notifications`;
    expect(await postFrom(notifications, '127.0.0.3', forged)).toBe(403);
    expect(await postFrom(notifications, '127.0.0.2', forged)).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await svc.leads.get(lead.id))?.stage).toBe('invoiced');
    expect((await svc.leads.get(lead.id))?.amounts.paid).toBeNull();

    // 7. The buyer pays (the notification comes twice): paid in our store and in amoCRM, once.
    yookassa.duplicateNext();
    await yookassa.buyerPays(payment.id);
    const paid = await eventually(async () => {
      const l = await svc.leads.get(lead.id);
      return l?.stage === 'paid' ? l : null;
    });
    expect(paid.amounts.paid).toBe(invoice.quote.total);
    await eventually(() => amo.lead(deal.id)?.status_id === WON_STATUS_ID, 20_000);
    await eventually(() => mailsTo(EMAIL).find((m) => m.subject?.startsWith('Оплата получена')));
    await eventually(
      () => amo.notesOf(deal.id).some((n) => String(n.params.text).startsWith('Оплачено')),
      10_000,
    );

    expect((await svc.readiness.report()).checks.amocrm?.status).toBe('ok');

    // Nothing lost, nothing twice.
    await new Promise((r) => setTimeout(r, 500));
    expect(amo.leads()).toHaveLength(1);
    const notes = amo.notesOf(deal.id).map((n) => String(n.params.text));
    expect(new Set(notes).size).toBe(notes.length);
    expect(notes.filter((n) => n.startsWith('Оплачено'))).toHaveLength(1);
    expect(yookassa.payments()).toHaveLength(1);
    const subjects = mailsTo(EMAIL).map((m) => m.subject ?? '');
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects.filter((s) => s.startsWith('Оплата получена'))).toHaveLength(1);
    expect(mailsTo('owner@example.test').length).toBeGreaterThan(0);
    const paymentAlerts = notifier.alerts.filter((a) => a.alert.kind === 'payment').map((a) => a.key);
    expect(new Set(paymentAlerts)).toEqual(new Set([`payment:${payment.id}:succeeded`]));
    expect(notifier.alerts.filter((a) => a.alert.kind === 'integration-failed')).toEqual([]);
  }, 120_000);
});
