import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { WebSocket } from 'ws';
import { pollUntil } from '../../sim/common/wait.js';
import { createHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { Readiness } from '../../src/http/readiness.js';
import { type RunningHttpServer, startHttpServer } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Channel, InboundEvent, InboundOutcome, InboundPort } from '../../src/responder/channel.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/port.js';
import { createWebChannel, type WebChannel, type WidgetLimits } from '../../src/web/index.js';
import type { ClientFrame, ServerFrame } from '../../src/web/protocol.js';
import { loadWidgetScript, type WidgetScript } from '../../src/web/script.js';
import { storeInboundOnce } from './stored-inbound.js';

let script: Promise<WidgetScript> | undefined;

export interface WidgetHarness {
  /** The service's base URL (`http://127.0.0.1:<port>`), also an allowed origin. */
  url: string;
  wsUrl: string;
  store: Store;
  web: WebChannel;
  http: RunningHttpServer;
  close(): Promise<void>;
}

export interface WidgetHarnessOptions {
  /**
   * The responder's inbound port, given the web channel (its outbound half): a stand-in
   * ({@link standInResponder}) until the channel-agnostic responder lands, then the real `responder.inbound`.
   */
  inbound: (web: WebChannel, store: Store) => InboundPort;
  /** Origins allowed besides the service's own. */
  origins?: string[];
  limits?: Partial<WidgetLimits>;
  now?: () => Date;
  ttlDays?: number;
  consentText?: string;
  privacyPolicyUrl?: string;
  logger?: Logger;
}

/**
 * The web channel on the real HTTP app (security headers, JSON 404) and a real embedded store, on a random
 * loopback port whose own origin is allowed (so `/widget/demo` works there).
 */
export async function startWidgetHarness(options: WidgetHarnessOptions): Promise<WidgetHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'widget-'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
  const logger = options.logger ?? createLogger({ level: 'silent' });
  // The origin is known only once the server listens: routes go on a router mounted now, filled then.
  const router = express.Router();
  const app = createHttpApp({
    logger,
    readiness: new Readiness(),
    metrics: createMetrics(),
    mount: [(a) => a.use(router)],
  });
  const http = await startHttpServer(app, 0, '127.0.0.1');
  const web = await createWebChannel({
    config: {
      widget: {
        origins: [http.url, ...(options.origins ?? [])],
        color: '#2f6fed',
        title: undefined,
        locale: 'ru',
        enabled: true,
      },
      consent: { text: options.consentText, privacyPolicyUrl: options.privacyPolicyUrl },
      contextTtlDays: options.ttlDays ?? 30,
    },
    store,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    script: await (script ??= loadWidgetScript()),
  });
  web.mount(router);
  web.attach(http.server);
  web.start(options.inbound(web, store));
  return {
    url: http.url,
    wsUrl: `${http.url.replace(/^http/, 'ws')}/widget/ws`,
    store,
    web,
    http,
    async close() {
      await web.stop();
      await http.close(1000);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface StandInResponder extends InboundPort {
  /** Every event handed in, in order (repeats included). */
  readonly received: InboundEvent[];
  /** Sends `text` into the chat as the responder does (through the channel), and stores it as ours. */
  reply(chatId: string, text: string): Promise<string[]>;
  /** Makes `receive` fail (a storage outage) until set back. */
  failing: boolean;
  /** Answers each message by itself (typing, then «Ответ: <text>»); off: the test replies with `reply`. */
  autoAnswer: boolean;
}

/**
 * A small stand-in for the responder: stores the visitor's message once (by id), then, unless `autoAnswer`
 * is off, shows typing and answers «Ответ: <text>» through the channel, storing the answer as the responder's
 * deliver step does. The real responder replaces it in the full journey (`responder.inbound`).
 */
export function standInResponder(
  store: Store,
  channel: Channel,
  options: { autoAnswer?: boolean } = {},
): StandInResponder {
  const received: InboundEvent[] = [];
  const reply = async (chatId: string, text: string) => {
    const outcome = await channel.send(chatId, text);
    if (outcome.kind !== 'sent') throw new Error(`send failed: ${outcome.kind}`);
    for (const [i, id] of outcome.messageIds.entries()) {
      await store.messages.insertOnce({
        id,
        chatId,
        direction: 'out',
        author: 'ai',
        type: 'text',
        text: outcome.messageIds.length === 1 ? text : `${text} (${i + 1})`,
        content: null,
        createdAt: new Date(),
      });
    }
    return outcome.messageIds;
  };
  const port: StandInResponder = {
    received,
    failing: false,
    autoAnswer: options.autoAnswer ?? true,
    reply,
    async receive(event): Promise<InboundOutcome> {
      received.push(event);
      if (port.failing) throw new Error('storage is failing');
      if (!(await storeInboundOnce(store, event))) return 'already-processed';
      if (port.autoAnswer) {
        void (async () => {
          await channel.typing?.(event.chatId, true);
          await reply(event.chatId, `Ответ: ${event.text}`);
        })();
      }
      return 'buyer';
    },
  };
  return port;
}

/** A widget's socket as a test drives it: frames in arrival order, waits for the next one that matches. */
export class WidgetClient {
  readonly frames: ServerFrame[] = [];
  private readonly taken = new Set<number>();
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ServerFrame));
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  /** Opens a socket as a page on `origin` would; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, origin: string, headers: Record<string, string> = {}): Promise<WidgetClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin, headers });
      const client = new WidgetClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame not taken yet of type `t` (optionally matching `where`), waiting for it if need be. */
  async next<T extends ServerFrame['t']>(
    t: T,
    where: (frame: Extract<ServerFrame, { t: T }>) => boolean = () => true,
  ): Promise<Extract<ServerFrame, { t: T }>> {
    return pollUntil(
      () => {
        for (let i = 0; i < this.frames.length; i++) {
          const frame = this.frames[i]!;
          if (!this.taken.has(i) && frame.t === t && where(frame as Extract<ServerFrame, { t: T }>)) {
            this.taken.add(i);
            return frame as Extract<ServerFrame, { t: T }>;
          }
        }
        return undefined;
      },
      { timeoutMs: 5000, what: `a "${t}" frame` },
    );
  }

  /** Says hello and returns the welcome. */
  async hello(frame: Omit<Extract<ClientFrame, { t: 'hello' }>, 't'> = {}) {
    this.send({ t: 'hello', ...frame });
    return this.next('welcome');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
