import type { Locale } from '../texts/index.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { chatIdOf, type InboundContext, type InboundEvent, type InboundPort } from '../responder/channel.js';
import type { Store } from '../store/port.js';
import { parseBrief } from './brief.js';
import { type LiveConversations, type LiveSocket, toWire } from './live.js';
import { type AllowedOrigins, clientAddress } from './network.js';
import { z } from 'zod';
import {
  CLOSE,
  type ClientFrame,
  clientFrame,
  clientMessageId,
  codePoints,
  type ListingHint,
  MAX_FRAME_BYTES,
  MAX_VISITOR_TEXT,
  type ServerFrame,
  type WireMessage,
} from './protocol.js';
import type { WindowLimit } from './rate-limit.js';
import type { WidgetSessions } from './sessions.js';
import type { Visitor, Visitors } from './visitors.js';

export const WIDGET_WS_PATH = '/widget/ws';
/** A connection that has not said hello by then is closed (an idle socket costs memory and a file handle). */
const HELLO_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;
/** A client that stops reading is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface SocketLimits {
  /** Visitor messages a minute per session. */
  messagesPerSession: WindowLimit;
  /** Visitor messages a minute per address (several sessions behind one address). */
  messagesPerAddress: WindowLimit;
  /** Connection attempts a minute per address. */
  connectionsPerAddress: WindowLimit;
}

export interface SocketServerDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
  origins: AllowedOrigins;
  sessions: WidgetSessions;
  visitors: Visitors;
  live: LiveConversations;
  limits: SocketLimits;
  /** The consent text and policy link shown to the visitor, recorded with their consent. */
  consent: (locale: Locale | undefined) => { text: string; privacyPolicyUrl: string | null };
  /** The responder's inbound port, once it exists (see `WebChannel.start`). */
  inbound: () => InboundPort | undefined;
}

/** One visitor tab's connection, after its hello. */
interface Session {
  sessionId: string;
  chatId: string;
  visitor: Visitor | null;
  listing: InboundContext['listing'] | undefined;
  leave: () => void;
}

/**
 * The widget's WebSocket endpoint: the `Origin` check at the upgrade, sessions from signed tokens, the brief
 * step, visitor messages handed to the responder and acknowledged only once stored, and live pushes.
 */
export class WidgetSocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SocketServerDeps) {}

  /** Takes over upgrades of {@link WIDGET_WS_PATH} on `server`. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== WIDGET_WS_PATH) {
        // Nobody else takes upgrades today: answer rather than leave the socket hanging.
        if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      this.upgrade(req, socket, head);
    });
    this.heartbeat ??= setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Closes every connection (the widgets reconnect to the next process) and stops the heartbeat. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(CLOSE.goingAway, 'server restarting');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const ws of this.wss.clients) ws.terminate();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (!this.deps.origins.allows(origin)) {
      this.deps.logger.info(
        { origin: origin ?? null },
        'widget connection refused: origin not in WIDGET_ORIGINS',
      );
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    const address = clientAddress(req);
    const admitted = this.deps.limits.connectionsPerAddress.take(address);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!admitted.ok) {
        // Accepted only to say why: a refused handshake looks like a network failure to the page.
        sendFrame(ws, { t: 'error', reason: 'rate_limited', retryAfterMs: admitted.retryAfterMs });
        ws.close(CLOSE.rateLimited, 'too many connections');
        return;
      }
      this.connection(ws, address);
    });
  }

  private connection(ws: WebSocket, address: string): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    const socket: LiveSocket = {
      send: (frame) => sendFrame(ws, frame),
      close: () => ws.close(CLOSE.replaced, 'too many tabs'),
    };
    let session: Session | undefined;
    const helloTimer = setTimeout(() => {
      if (!session) ws.close(CLOSE.protocol, 'hello expected');
    }, HELLO_TIMEOUT_MS);
    helloTimer.unref();
    // One frame at a time per connection: the hello is done before the first message is looked at.
    let queue = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      queue = queue
        .then(async () => {
          const frame = isBinary ? undefined : parseFrame(data.toString());
          if (!frame) {
            socket.send({ t: 'error', reason: 'bad_frame' });
            return;
          }
          if (frame.t === 'too-long') {
            socket.send({ t: 'nack', id: frame.id, reason: 'too_long' });
            return;
          }
          try {
            if (frame.t === 'hello') {
              if (session) socket.send({ t: 'error', reason: 'bad_frame' });
              else if (ws.readyState === WebSocket.OPEN) session = await this.hello(frame, socket);
              if (session && ws.readyState !== WebSocket.OPEN) session.leave();
              return;
            }
            if (!session) {
              socket.send({ t: 'error', reason: 'hello_required' });
              return;
            }
            if (frame.t === 'brief') await this.brief(frame, session, socket);
            else await this.message(frame, session, socket, address);
          } catch (err) {
            this.deps.logger.error({ err, frame: frame.t }, 'widget frame failed');
            if (frame.t === 'msg') socket.send({ t: 'nack', id: frame.id, reason: 'failed' });
            else socket.send({ t: 'error', reason: 'unavailable' });
            // Without a session the connection is no use: the widget reconnects (with backoff) and says hello again.
            if (frame.t === 'hello') ws.close(CLOSE.internalError, 'try again');
          }
        })
        .catch((err: unknown) => this.deps.logger.error({ err }, 'widget frame failed'));
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      session?.leave();
    });
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'widget socket error'));
  }

  private async hello(frame: Extract<ClientFrame, { t: 'hello' }>, socket: LiveSocket): Promise<Session> {
    const opened = await this.deps.sessions.open(frame.token);
    if (opened.rejected)
      this.deps.logger.info({ reason: opened.rejected }, 'widget token not accepted: new session');
    const chatId = chatIdOf('web', opened.sessionId);
    // Live first, history second: a message sent in between comes twice (the widget keeps one), never not at all.
    const leave = this.deps.live.join(chatId, socket);
    let visitor: Visitor | null, messages: WireMessage[], listing: InboundContext['listing'] | undefined;
    try {
      [visitor, messages, listing] = await Promise.all([
        this.deps.visitors.get(chatId),
        opened.fresh ? Promise.resolve([]) : this.deps.live.history(chatId, frame.lastSeenId),
        this.listingOf(frame.listing),
      ]);
      if (visitor) await this.deps.visitors.touch(chatId, visitor);
    } catch (err) {
      leave();
      throw err;
    }
    socket.send({
      t: 'welcome',
      token: opened.token,
      fresh: opened.fresh,
      briefed: visitor !== null,
      name: visitor?.name ?? null,
      messages,
    });
    if (this.deps.live.isTyping(chatId)) socket.send({ t: 'typing', on: true });
    return { sessionId: opened.sessionId, chatId, visitor, listing, leave };
  }

  private async brief(
    frame: Extract<ClientFrame, { t: 'brief' }>,
    session: Session,
    socket: LiveSocket,
  ): Promise<void> {
    const parsed = parseBrief(frame);
    if (!parsed.ok) {
      socket.send({ t: 'brief-invalid', fields: parsed.fields });
      return;
    }
    session.visitor = await this.deps.visitors.save(
      session.chatId,
      parsed.brief,
      this.deps.consent(frame.locale),
    );
    this.deps.live.broadcast(session.chatId, { t: 'brief-ok', name: parsed.brief.name });
  }

  private async message(
    frame: Extract<ClientFrame, { t: 'msg' }>,
    session: Session,
    socket: LiveSocket,
    address: string,
  ): Promise<void> {
    const nack = (reason: Extract<ServerFrame, { t: 'nack' }>['reason'], retryAfterMs?: number) =>
      socket.send({ t: 'nack', id: frame.id, reason, ...(retryAfterMs ? { retryAfterMs } : {}) });
    const inbound = this.deps.inbound();
    if (!inbound) return nack('unavailable');
    // Another tab may have done the brief since this one said hello.
    session.visitor ??= await this.deps.visitors.get(session.chatId);
    const visitor = session.visitor;
    if (!visitor) return nack('brief_required');
    for (const limit of [
      this.deps.limits.messagesPerSession.take(session.sessionId),
      this.deps.limits.messagesPerAddress.take(address),
    ]) {
      if (!limit.ok) return nack('rate_limited', limit.retryAfterMs);
    }

    const event: InboundEvent = {
      channel: 'web',
      chatId: session.chatId,
      // The client's id makes a retry the same message: the responder takes each message id once.
      messageId: `${session.chatId}:${frame.id}`,
      direction: 'in',
      type: 'text',
      text: frame.text,
      content: null,
      at: this.deps.now(),
      context: {
        buyer: { id: session.sessionId, name: visitor.name, contact: visitor.contact },
        ...(session.listing ? { listing: session.listing } : {}),
      },
    };
    await inbound.receive(event);
    const stored = await this.deps.store.messages.get(event.messageId);
    const message: WireMessage = (stored && toWire(stored)) ?? {
      id: event.messageId,
      from: 'visitor',
      text: frame.text,
      at: event.at.toISOString(),
    };
    socket.send({
      t: 'ack',
      id: frame.id,
      message,
      token: await this.deps.sessions.issue(session.sessionId),
    });
    this.deps.live.broadcast(session.chatId, { t: 'msg', message }, socket);
    await this.deps.visitors.touch(session.chatId, visitor);
  }

  /** The listing the page is about: the seller's own listing when the id is known, else what the page says. */
  private async listingOf(hint: ListingHint | undefined): Promise<InboundContext['listing'] | undefined> {
    if (!hint?.id) return undefined;
    const known = await this.deps.store.listings.get(hint.id);
    if (known) {
      return {
        itemId: known.id,
        title: known.title,
        price: known.price === null ? null : `${new Intl.NumberFormat('ru-RU').format(known.price)} ₽`,
        url: known.url,
      };
    }
    return { itemId: hint.id, title: hint.title || hint.id, price: null, url: safeUrl(hint.url) };
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false || ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}

const messageShape = z.object({ t: z.literal('msg'), id: clientMessageId, text: z.string() });

/** A valid frame; a message refused only for its length (the widget says so); or nothing usable. */
function parseFrame(text: string): ClientFrame | { t: 'too-long'; id: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = clientFrame.safeParse(json);
  if (parsed.success) return parsed.data;
  const message = messageShape.safeParse(json);
  return message.success && codePoints(message.data.text.trim()) > MAX_VISITOR_TEXT
    ? { t: 'too-long', id: message.data.id }
    : undefined;
}

function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate();
    return;
  }
  ws.send(JSON.stringify(frame));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function safeUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
