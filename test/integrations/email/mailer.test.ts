import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpSim, startSmtpSim } from '../../../sim/smtp/index.js';
import { emailEnvConfig } from '../../../src/integrations/email/config.js';
import { createMailer, type Mailer, messageIdFor } from '../../../src/integrations/email/mailer.js';
import {
  composeBookingConfirmationEmail,
  composeInvoiceEmail,
  composeOfferEmail,
  composePaymentReceivedEmail,
} from '../../../src/integrations/email/messages.js';
import { parseIcs } from '../../support/ics.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 0x41), Buffer.from('\n%%EOF\n')]);
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const seller = { sellerName: 'Магазин «Пример»', timeZone: 'Europe/Moscow' };

const offer = () =>
  composeOfferEmail(
    'ru',
    { ...seller, buyerName: 'Иван', offerNumber: 'КП-17', totalKopecks: 12_345_67 },
    { filename: 'КП-17.pdf', content: PDF },
  );

function mailerFor(sim: SmtpSim, overrides: Partial<Record<string, string>> = {}): Mailer {
  const config = emailEnvConfig({ ...sim.env, ...overrides });
  if (!config.enabled) throw new Error('e-mail not configured');
  return createMailer({
    smtpUrl: config.smtpUrl,
    from: config.from,
    timeoutsMs: { connection: 3000, greeting: 3000, socket: 5000 },
  });
}

describe('mailer (nodemailer against the capturing SMTP simulator)', () => {
  let sim: SmtpSim;
  let mailer: Mailer;
  beforeEach(async () => {
    sim = await startSmtpSim();
    mailer = mailerFor(sim);
  });
  afterEach(async () => {
    mailer.close();
    await sim.close();
  });

  it('when an offer is sent, then the buyer gets it from EMAIL_FROM with the PDF attached, byte for byte', async () => {
    const outcome = await mailer.send({
      email: offer(),
      to: 'Иван <ivan@example.ru>',
      idempotencyKey: 'offer:17',
    });
    expect(outcome).toMatchObject({ kind: 'sent', response: expect.stringMatching(/^250/) });
    const [message] = sim.messages();
    expect(message).toMatchObject({
      envelope: { from: 'shop@example.test', to: ['ivan@example.ru'] },
      user: sim.user.username,
      from: [{ address: 'shop@example.test', name: 'Магазин «Пример»' }],
      to: [{ address: 'ivan@example.ru', name: 'Иван' }],
      subject: 'Коммерческое предложение № КП-17 — Магазин «Пример»',
    });
    expect(message!.text).toMatch(/12\s345,67\s₽/);
    expect(message!.html).toContain('<p>Здравствуйте, Иван!</p>');
    expect(message!.attachments).toEqual([
      expect.objectContaining({
        filename: 'КП-17.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        checksum: md5(PDF),
      }),
    ]);
  });

  it('when the same message is sent again with the same idempotency key, then both carry the same Message-ID', async () => {
    const first = await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'offer:17' });
    const second = await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'offer:17' });
    const other = await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'offer:18' });
    const expected = messageIdFor('offer:17', { name: undefined, address: 'shop@example.test' });
    expect(expected).toMatch(/^<[0-9a-f]{40}@example\.test>$/);
    expect(sim.messages().map((m) => m.messageId)).toEqual([
      expected,
      expected,
      messageIdFor('offer:18', { name: undefined, address: 'shop@example.test' }),
    ]);
    expect(first).toMatchObject({ kind: 'sent', messageId: expected });
    expect(second).toMatchObject({ kind: 'sent', messageId: expected });
    expect(other.kind).toBe('sent');
  });

  it('when a booking is confirmed, then the mail carries a parseable .ics invitation (METHOD:REQUEST) for the same time', async () => {
    const start = new Date('2027-06-07T07:00:00Z');
    const email = composeBookingConfirmationEmail(
      'ru',
      {
        ...seller,
        buyerName: 'Иван',
        start,
        end: new Date('2027-06-07T08:00:00Z'),
        topic: 'Консультация по кухне',
      },
      {
        uid: 'booking-42@shop.example',
        stamp: new Date('2027-06-01T09:00:00Z'),
        organizer: { email: 'shop@example.test', name: 'Магазин «Пример»' },
        attendee: { email: 'ivan@example.ru', name: 'Иван' },
      },
    );
    await mailer.send({ email, to: 'ivan@example.ru', idempotencyKey: 'booking:42:confirm' });
    const [message] = sim.messages();
    expect(message!.subject).toContain('Запись подтверждена');
    expect(message!.text).toContain('10:00');
    const calendar = message!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(calendar).toBeDefined();
    const ics = parseIcs(calendar!.content.toString('utf8'));
    expect(ics.get('METHOD')?.value).toBe('REQUEST');
    const event = ics.components.find((c) => c.name === 'VEVENT')!;
    expect(event.get('UID')?.value).toBe('booking-42@shop.example');
    expect(event.get('DTSTART')).toMatchObject({
      params: { TZID: 'Europe/Moscow' },
      value: '20270607T100000',
    });
    expect(event.get('ATTENDEE')?.value).toBe('mailto:ivan@example.ru');
    // RFC 2447: the MIME method must equal METHOD inside.
    expect(message!.headers['content-type'] ?? '').toMatch(/multipart/);
    expect(calendar!.content.toString('utf8')).toContain('METHOD:REQUEST');
  });

  it('when an invoice and then its payment are mailed, then the PDF, the payment link and the receipt arrive', async () => {
    const invoice = composeInvoiceEmail(
      'ru',
      {
        ...seller,
        invoiceNumber: '2027-001',
        amountKopecks: 500_000,
        paymentUrl: 'https://yoomoney.ru/checkout/payments/v2/contract?orderId=abc&x=1',
      },
      { filename: 'invoice-2027-001.pdf', content: PDF },
    );
    await mailer.send({ email: invoice, to: 'ivan@example.ru', idempotencyKey: 'invoice:1' });
    const paid = composePaymentReceivedEmail('ru', {
      ...seller,
      invoiceNumber: '2027-001',
      amountKopecks: 500_000,
      paidAt: new Date('2027-06-08T12:00:00Z'),
    });
    await mailer.send({ email: paid, to: 'ivan@example.ru', idempotencyKey: 'invoice:1:paid' });
    const [inv, receipt] = sim.messages();
    expect(inv!.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(inv!.text).toContain('https://yoomoney.ru/checkout/payments/v2/contract?orderId=abc&x=1');
    expect(inv!.html).toContain(
      'href="https://yoomoney.ru/checkout/payments/v2/contract?orderId=abc&#38;x=1"',
    );
    expect(receipt!.subject).toBe('Оплата получена: счёт № 2027-001');
    expect(receipt!.attachments).toEqual([]);
  });

  it('when the buyer gave no e-mail or an unusable one, then nothing is sent and the outcome says no-recipient', async () => {
    expect(await mailer.send({ email: offer(), to: undefined, idempotencyKey: 'k' })).toEqual({
      kind: 'no-recipient',
      reason: 'missing',
    });
    expect(await mailer.send({ email: offer(), to: '  ', idempotencyKey: 'k' })).toEqual({
      kind: 'no-recipient',
      reason: 'missing',
    });
    expect(await mailer.send({ email: offer(), to: 'ivan at mail', idempotencyKey: 'k' })).toEqual({
      kind: 'no-recipient',
      reason: 'invalid',
    });
    expect(sim.messages()).toEqual([]);
    expect(sim.sessions()).toEqual([]);
  });

  it('when the password is wrong, then the send fails permanently (535) and nothing is captured', async () => {
    const url = new URL(sim.env.SMTP_URL!);
    url.password = 'wrong';
    const bad = mailerFor(sim, { SMTP_URL: url.toString() });
    try {
      const outcome = await bad.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' });
      expect(outcome).toMatchObject({ kind: 'failed', transient: false, code: 'EAUTH', responseCode: 535 });
      expect(sim.messages()).toEqual([]);
      expect(sim.sessions()[0]!.events).toContainEqual({ stage: 'auth', outcome: 'failed PLAIN' });
    } finally {
      bad.close();
    }
  });

  it('when the server answers 4xx (greeting, recipient, data) or drops the connection, then the failure is transient', async () => {
    const cases = [
      { stage: 'connect', kind: 'reject', code: 421 },
      { stage: 'rcpt', kind: 'reject', code: 451 },
      { stage: 'data', kind: 'reject', code: 452 },
      { stage: 'data', kind: 'drop' },
    ] as const;
    for (const fault of cases) {
      sim.fail(fault);
      const outcome = await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' });
      expect({ fault, transient: outcome.kind === 'failed' && outcome.transient }).toEqual({
        fault,
        transient: true,
      });
      if (fault.kind === 'reject' && outcome.kind === 'failed') expect(outcome.responseCode).toBe(fault.code);
    }
    expect(sim.messages()).toEqual([]);
    // The same message goes through once the server recovers.
    expect((await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' })).kind).toBe(
      'sent',
    );
  });

  it('when the server answers 5xx (mailbox unknown, policy) or the message is too big, then the failure is permanent', async () => {
    sim.fail({ stage: 'rcpt', kind: 'reject', code: 550, message: 'No such user' });
    expect(await mailer.send({ email: offer(), to: 'nobody@example.ru', idempotencyKey: 'k' })).toMatchObject(
      {
        kind: 'failed',
        transient: false,
        responseCode: 550,
      },
    );
    sim.fail({ stage: 'mail', kind: 'reject', code: 554 });
    expect(await mailer.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' })).toMatchObject({
      transient: false,
      responseCode: 554,
    });
    const small = await startSmtpSim({ sizeLimit: 10_000 });
    const tight = mailerFor(small);
    try {
      expect(await tight.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' })).toMatchObject({
        kind: 'failed',
        transient: false,
        responseCode: 552,
      });
      expect(small.messages()).toEqual([]);
    } finally {
      tight.close();
      await small.close();
    }
  });

  it('when nothing listens on the SMTP port, then the failure is transient (connection refused)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const closed = mailerFor(sim, { SMTP_URL: `smtp://u:p@127.0.0.1:${port}` });
    try {
      expect(await closed.send({ email: offer(), to: 'ivan@example.ru', idempotencyKey: 'k' })).toMatchObject(
        {
          kind: 'failed',
          transient: true,
          code: 'ESOCKET',
        },
      );
    } finally {
      closed.close();
    }
  });
});
