import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { z } from 'zod';
import { type Mailbox, parseMailbox } from './config.js';
import type { OutgoingEmail } from './messages.js';

/** What happened to one send; the retrying outbox acts on `kind` and `transient`. */
export type SendOutcome =
  /** The server took it (250). */
  | { kind: 'sent'; messageId: string; response: string }
  /** Nobody to send to: the buyer gave no e-mail (or an unusable one). Nothing was sent; do not retry. */
  | { kind: 'no-recipient'; reason: 'missing' | 'invalid' }
  /** Not sent. `transient` (4xx, connection, timeout): retry later; otherwise (5xx, auth) give up and tell the owner. */
  | {
      kind: 'failed';
      transient: boolean;
      code: string | undefined;
      responseCode: number | undefined;
      message: string;
    };

/** nodemailer's error fields we read (its errors carry `code` and, from the server, `responseCode`). */
const SmtpFailure = z.object({
  message: z.string().optional(),
  code: z.string().optional(),
  responseCode: z.number().optional(),
  response: z.string().optional(),
});

/** Connection-level codes: the server never answered, so trying again later may work. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/**
 * Transient or permanent, by RFC 5321: a 4xx reply is "try again", a 5xx reply is final; no reply at
 * all (connection refused, reset, timeout) is transient. An auth failure (535) is final: the password is wrong.
 */
export function classifySmtpFailure(error: unknown): Extract<SendOutcome, { kind: 'failed' }> {
  const parsed = SmtpFailure.safeParse(error);
  const info = parsed.success ? parsed.data : {};
  const responseCode = info.responseCode;
  const transient =
    responseCode !== undefined
      ? responseCode >= 400 && responseCode < 500
      : TRANSIENT_CODES.has(info.code ?? '');
  return {
    kind: 'failed',
    transient,
    code: info.code,
    responseCode,
    message: (info.response ?? info.message ?? String(error)).split('\n')[0] ?? 'SMTP error',
  };
}

/**
 * The Message-ID for an idempotency key: the same key gives the same id, so a message sent again after
 * an unknown outcome is recognisable as the same one (by us, and by clients that de-duplicate on it).
 */
export function messageIdFor(idempotencyKey: string, from: Mailbox): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
  return `<${hash}@${domain}>`;
}

export interface SendRequest {
  email: OutgoingEmail;
  /** The recipient's address; undefined/empty when the buyer gave none. */
  to: string | undefined | null;
  /** Stable per logical message (e.g. `invoice:<id>:email`), reused on every retry. */
  idempotencyKey: string;
  replyTo?: string;
}

/** Sends our e-mails over SMTP. */
export interface Mailer {
  send(request: SendRequest): Promise<SendOutcome>;
  /** Connects and authenticates once (for start-up and `/ready`); throws what nodemailer throws. */
  verify(): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** `SMTP_URL`: `smtps://user:pass@host:465` or `smtp://user:pass@host:587`. */
  smtpUrl: string;
  from: Mailbox;
  /** Connection, greeting and socket timeouts (default 10 s, 10 s, 30 s). */
  timeoutsMs?: { connection?: number; greeting?: number; socket?: number };
}

/**
 * A mailer on nodemailer's SMTP transport. It never sends to a buyer without an address, never retries
 * by itself (the outbox does, from `transient`), and sets a Message-ID derived from the idempotency key.
 * Attachments come only from buffers: file and URL access are off in the transport.
 */
export function createMailer(options: MailerOptions): Mailer {
  const t = options.timeoutsMs ?? {};
  const transporter: Transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: t.connection ?? 10_000,
    greetingTimeout: t.greeting ?? 10_000,
    socketTimeout: t.socket ?? 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const from = { name: options.from.name ?? '', address: options.from.address };

  return {
    async send(request) {
      if (request.to === undefined || request.to === null || request.to.trim() === '') {
        return { kind: 'no-recipient', reason: 'missing' };
      }
      const to = parseMailbox(request.to);
      if (!to) return { kind: 'no-recipient', reason: 'invalid' };
      const { email } = request;
      const message: SendMailOptions = {
        from,
        to: { name: to.name ?? '', address: to.address },
        subject: email.content.subject,
        text: email.content.text,
        html: email.content.html,
        messageId: messageIdFor(request.idempotencyKey, options.from),
        attachments: email.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
        ...(email.icalEvent ? { icalEvent: email.icalEvent } : {}),
        ...(request.replyTo ? { replyTo: request.replyTo } : {}),
      };
      try {
        const info = (await transporter.sendMail(message)) as {
          messageId?: unknown;
          response?: unknown;
          rejected?: unknown;
        };
        const rejected = Array.isArray(info.rejected) ? info.rejected : [];
        if (rejected.length > 0) {
          return {
            kind: 'failed',
            transient: false,
            code: 'EENVELOPE',
            responseCode: undefined,
            message: 'recipient rejected',
          };
        }
        return {
          kind: 'sent',
          messageId: typeof info.messageId === 'string' ? info.messageId : (message.messageId as string),
          response: typeof info.response === 'string' ? info.response : '',
        };
      } catch (error) {
        return classifySmtpFailure(error);
      }
    },
    async verify() {
      await transporter.verify();
    },
    close() {
      transporter.close();
    },
  };
}
