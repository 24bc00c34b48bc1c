import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpSim, startSmtpSim } from '../../sim/smtp/index.js';

// The capturing SMTP server on its own, driven by nodemailer directly and by its HTTP control API.

const message = (to = 'buyer@example.ru') => ({
  from: 'shop@example.test',
  to,
  subject: 'Тест',
  text: 'Привет',
  attachments: [{ filename: 'a.txt', content: Buffer.from('hello'), contentType: 'text/plain' }],
});

describe('SMTP simulator', () => {
  let sim: SmtpSim | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const transport = (s: SmtpSim, extra: Record<string, unknown> = {}) =>
    nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: false,
      auth: { user: s.user.username, pass: s.user.password },
      ...extra,
    });

  it('when a client authenticates with LOGIN instead of PLAIN, then the message is accepted too', async () => {
    sim = await startSmtpSim();
    const t = transport(sim, { authMethod: 'LOGIN' });
    await t.sendMail(message());
    t.close();
    expect(sim.sessions()[0]!.events).toContainEqual({ stage: 'auth', outcome: 'ok LOGIN' });
    expect(sim.messages()).toHaveLength(1);
  });

  it('when a client sends without AUTH, then MAIL FROM is refused with 530 (submission requires auth)', async () => {
    sim = await startSmtpSim();
    const t = nodemailer.createTransport({ host: sim.host, port: sim.port, secure: false });
    await expect(t.sendMail(message())).rejects.toMatchObject({ responseCode: 530 });
    t.close();
    expect(sim.messages()).toEqual([]);
  });

  it('when STARTTLS is on, then AUTH only works after the upgrade and the message arrives over TLS', async () => {
    sim = await startSmtpSim({ starttls: true });
    const plain = transport(sim, { ignoreTLS: true });
    await expect(plain.sendMail(message())).rejects.toMatchObject({ code: 'EAUTH' });
    plain.close();
    const tls = transport(sim, { requireTLS: true, tls: { rejectUnauthorized: false } });
    await tls.sendMail(message());
    tls.close();
    expect(sim.messages()).toHaveLength(1);
  });

  it('when the control API is used, then messages list without bytes, one message has base64 attachments, and clear empties the box', async () => {
    sim = await startSmtpSim();
    const t = transport(sim);
    await t.sendMail(message('a@example.ru'));
    await t.sendMail(message('b@example.ru'));
    t.close();
    const list = (await (await fetch(`${sim.controlUrl}/messages`)).json()) as {
      messages: Array<{ id: string; to: unknown; attachments: Array<Record<string, unknown>> }>;
    };
    expect(list.messages.map((m) => m.to)).toEqual([
      [{ address: 'a@example.ru', name: '' }],
      [{ address: 'b@example.ru', name: '' }],
    ]);
    expect(list.messages[0]!.attachments[0]).toEqual({
      filename: 'a.txt',
      contentType: 'text/plain',
      contentDisposition: 'attachment',
      size: 5,
      checksum: '5d41402abc4b2a76b9719d911017c592',
    });
    const one = (await (await fetch(`${sim.controlUrl}/messages/${list.messages[0]!.id}`)).json()) as {
      attachments: Array<{ content: string }>;
      headers: Record<string, string>;
    };
    expect(Buffer.from(one.attachments[0]!.content, 'base64').toString()).toBe('hello');
    expect(one.headers.subject).toBe('=?UTF-8?B?0KLQtdGB0YI=?=');
    expect((await fetch(`${sim.controlUrl}/messages/nope`)).status).toBe(404);
    expect((await fetch(`${sim.controlUrl}/messages`, { method: 'DELETE' })).status).toBe(200);
    expect(sim.messages()).toEqual([]);
  });

  it('when a fault is posted to the control API, then the next session gets it once; a malformed fault is a 400', async () => {
    sim = await startSmtpSim();
    const post = (body: unknown) =>
      fetch(`${sim!.controlUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ stage: 'rcpt', kind: 'reject', code: 250 })).status).toBe(400);
    expect((await post({ stage: 'helo', kind: 'drop' })).status).toBe(400);
    expect((await post({ stage: 'rcpt', kind: 'reject', code: 451, message: 'greylisted' })).status).toBe(
      200,
    );
    const t = transport(sim);
    await expect(t.sendMail(message())).rejects.toMatchObject({ responseCode: 451 });
    await t.sendMail(message());
    t.close();
    expect(sim.messages()).toHaveLength(1);
    const sessions = (await (await fetch(`${sim.controlUrl}/sessions`)).json()) as {
      sessions: Array<{ events: Array<{ outcome: string }> }>;
    };
    expect(sessions.sessions.flatMap((s) => s.events.map((e) => e.outcome))).toContain('rejected 451');
  });

  it('when the size limit is advertised, then EHLO shows SIZE and a larger message is refused with 552', async () => {
    sim = await startSmtpSim({ sizeLimit: 2000 });
    const t = transport(sim);
    await expect(t.sendMail({ ...message(), text: 'x'.repeat(5000) })).rejects.toMatchObject({
      responseCode: 552,
    });
    t.close();
    expect(sim.messages()).toEqual([]);
  });
});
