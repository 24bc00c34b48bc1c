import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { CallLog, logCalls } from '../common/call-log.js';
import { listen, type RunningServer } from '../common/server.js';
import { registerControlRoutes } from './control-routes.js';
import type { CapturedAddress, CapturedMessage, SmtpFault, SmtpSessionRecord, SmtpStage } from './types.js';

export * from './types.js';

export interface SmtpSimOptions {
  /** SMTP port on 127.0.0.1 (0 = random). */
  port?: number;
  /** HTTP control API port (0 = random). */
  controlPort?: number;
  /** Accounts accepted by AUTH PLAIN/LOGIN. Default: one generated (`sim.user`). */
  users?: Array<{ username: string; password: string }>;
  /** Refuse MAIL FROM before AUTH (530), as submission servers do. Default true. */
  authRequired?: boolean;
  /** Largest message accepted, in bytes (advertised as SIZE; 552 above it). Default 10 MiB. */
  sizeLimit?: number;
  /**
   * Offer STARTTLS with smtp-server's built-in self-signed certificate (clients must then skip
   * verification). Default false: plain SMTP on loopback, AUTH allowed without TLS.
   */
  starttls?: boolean;
}

export interface SmtpSim {
  host: string;
  port: number;
  /** The first account (or the generated one). */
  user: { username: string; password: string };
  /** `SMTP_URL`, `EMAIL_FROM`, `OWNER_EMAIL` for the service. */
  env: Record<string, string>;
  /** Base URL of the HTTP control API (`GET /messages`, `DELETE /messages`, `POST /faults`, …). */
  controlUrl: string;
  /** Requests to the control API. */
  calls: CallLog;
  messages(): CapturedMessage[];
  clear(): void;
  /** Queue a fault for the next `times` (default 1) sessions that reach its stage. */
  fail(fault: SmtpFault, times?: number): void;
  clearFaults(): void;
  sessions(): SmtpSessionRecord[];
  close(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function addresses(field: AddressObject | AddressObject[] | undefined): CapturedAddress[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list
    .flatMap((o) => o.value)
    .flatMap((v) => (v.address ? [{ address: v.address, name: v.name }] : []));
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * Starts a capturing SMTP server (smtp-server) on loopback that checks AUTH PLAIN/LOGIN against its
 * accounts, enforces a size limit, parses every accepted message with mailparser and keeps it, plus an
 * HTTP control API to read and clear them and to inject SMTP faults. Point nodemailer at `env.SMTP_URL`.
 */
export async function startSmtpSim(opts: SmtpSimOptions = {}): Promise<SmtpSim> {
  const users = opts.users ?? [{ username: 'sim-mailer', password: randomBytes(12).toString('base64url') }];
  const sizeLimit = opts.sizeLimit ?? 10 * 1024 * 1024;
  const captured: CapturedMessage[] = [];
  const faults: Array<SmtpFault & { left: number }> = [];
  const sessionLog = new Map<string, SmtpSessionRecord>();
  let counter = 0;

  const note = (session: SMTPServerSession, stage: SmtpStage | 'close', outcome: string) => {
    let record = sessionLog.get(session.id);
    if (!record) {
      record = { id: session.id, remoteAddress: session.remoteAddress, events: [] };
      sessionLog.set(session.id, record);
    }
    record.events.push({ stage, outcome });
  };

  /** Applies a queued fault of this stage: calls back with an SMTP error, or cuts the socket. True if one applied. */
  const injected = (
    stage: SmtpStage,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): boolean => {
    const fault = faults.find((f) => f.stage === stage && f.left > 0);
    if (!fault) return false;
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(faults.indexOf(fault), 1);
    if (fault.kind === 'drop') {
      note(session, stage, 'dropped');
      const connection = [...server.connections].find((c) => c.id === session.id);
      connection?._socket.destroy();
      return true;
    }
    note(session, stage, `rejected ${fault.code}`);
    callback(smtpError(fault.code, fault.message ?? (fault.code < 500 ? 'Try again later' : 'Rejected')));
    return true;
  };

  const server: SMTPServer = new SMTPServer({
    name: 'smtp.sim.local',
    banner: 'avito-responder SMTP simulator',
    size: sizeLimit,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: opts.authRequired === false,
    // Loopback without TLS: AUTH in clear text is allowed only then.
    disabledCommands: opts.starttls ? [] : ['STARTTLS'],
    allowInsecureAuth: !opts.starttls,
    logger: false,
    onConnect(session, callback) {
      if (injected('connect', session, callback)) return;
      note(session, 'connect', 'ok');
      callback();
    },
    onAuth(auth, session, callback) {
      if (injected('auth', session, callback)) return;
      const user = users.find((u) => u.username === auth.username);
      const ok =
        user !== undefined &&
        typeof auth.password === 'string' &&
        timingSafeEqual(digest(auth.password), digest(user.password));
      note(session, 'auth', ok ? `ok ${auth.method}` : `failed ${auth.method}`);
      if (!ok) return callback(smtpError(535, 'Authentication credentials invalid'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, session, callback) {
      if (injected('mail', session, callback)) return;
      note(session, 'mail', 'ok');
      callback();
    },
    onRcptTo(_address, session, callback) {
      if (injected('rcpt', session, callback)) return;
      note(session, 'rcpt', 'ok');
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (injected('data', session, callback)) return;
        if (stream.sizeExceeded) {
          note(session, 'data', 'rejected 552');
          return callback(smtpError(552, `Message exceeds fixed maximum message size ${sizeLimit}`));
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of mail.headerLines) {
              const value = line.slice(line.indexOf(':') + 1).trim();
              headers[key] = headers[key] === undefined ? value : `${headers[key]}\n${value}`;
            }
            counter += 1;
            captured.push({
              id: `m${counter}`,
              receivedAt: new Date().toISOString(),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === 'string' ? session.user : undefined,
              messageId: mail.messageId,
              from: addresses(mail.from),
              to: addresses(mail.to),
              cc: addresses(mail.cc),
              subject: mail.subject,
              date: mail.date?.toISOString(),
              text: mail.text,
              html: typeof mail.html === 'string' ? mail.html : undefined,
              headers,
              attachments: mail.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                contentDisposition: a.contentDisposition,
                size: a.size,
                checksum: a.checksum,
                content: a.content,
              })),
              size: raw.length,
            });
            note(session, 'data', 'accepted');
            callback(null, `Message queued as ${counter}`);
          },
          (error: unknown) => {
            note(session, 'data', 'unparseable');
            callback(smtpError(554, `Message could not be parsed: ${String(error)}`));
          },
        );
      });
    },
    onClose(session) {
      if (sessionLog.has(session.id)) note(session, 'close', 'closed');
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const calls = new CallLog();
  const sim: SmtpSim = {
    host: '127.0.0.1',
    port,
    user: users[0]!,
    env: {},
    controlUrl: '',
    calls,
    messages: () => [...captured],
    clear: () => {
      captured.length = 0;
    },
    fail: (fault, times = 1) => {
      faults.push({ ...fault, left: times });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    sessions: () => [...sessionLog.values()],
    close: async () => {},
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.use(logCalls(calls));
  registerControlRoutes(app, sim);
  const control: RunningServer = await listen(app, opts.controlPort ?? 0);

  const credentials = `${encodeURIComponent(sim.user.username)}:${encodeURIComponent(sim.user.password)}`;
  sim.controlUrl = control.url;
  sim.env = {
    SMTP_URL: `smtp://${credentials}@127.0.0.1:${port}`,
    EMAIL_FROM: 'Магазин «Пример» <shop@example.test>',
    OWNER_EMAIL: 'owner@example.test',
  };
  sim.close = async () => {
    await control.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return sim;
}
