/**
 * The website chat widget: a channel adapter (see `responder/channel.ts`). Visitors write from a bubble on the
 * seller's site (`widget.js`, built from `client/`); their messages reach the responder's inbound port over a
 * WebSocket, and the responder's answers (and the owner's replies) come back live through {@link Channel.send}.
 *
 * Built in two halves like every channel: `createWebChannel` gives the outbound {@link Channel} the responder
 * is built with; `start(inbound)` connects the responder's inbound port once it exists.
 *
 * @example
 * const web = await createWebChannel({ config, store, logger });
 * const responder = createResponder({ …, channels: new Map([['web', web.channel]]) });
 * web.start(responder.inbound);
 * createHttpApp({ …, mount: [(app) => web.mount(app)] });   // then, with the server listening:
 * web.attach(http.server);
 */
import type { Server } from 'node:http';
import type { IRouter } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { type Channel, channelOf, type InboundPort } from '../responder/channel.js';
import type { Store } from '../store/port.js';
import { LiveConversations } from './live.js';
import { AllowedOrigins } from './network.js';
import { WindowLimit } from './rate-limit.js';
import { mountWidgetRoutes, widgetTexts } from './routes.js';
import { loadWidgetScript, type WidgetScript } from './script.js';
import { WidgetSessions } from './sessions.js';
import { WidgetSocketServer } from './socket-server.js';
import { visitorKey, Visitors } from './visitors.js';

export { WIDGET_WS_PATH } from './socket-server.js';
export { visitorKey, type Visitor } from './visitors.js';

/** Requests a minute before the widget is told to wait. Generous for people, tight for scripts. */
export interface WidgetLimits {
  messagesPerSessionPerMinute: number;
  messagesPerAddressPerMinute: number;
  connectionsPerAddressPerMinute: number;
}

export const DEFAULT_WIDGET_LIMITS: WidgetLimits = {
  messagesPerSessionPerMinute: 12,
  messagesPerAddressPerMinute: 60,
  connectionsPerAddressPerMinute: 30,
};

export interface WebChannelDeps {
  config: Pick<Config, 'widget' | 'consent' | 'contextTtlDays'>;
  store: Store;
  logger: Logger;
  /** The service's clock (tests move it). */
  now?: () => Date;
  limits?: Partial<WidgetLimits>;
  /** The bundle to serve; loaded (or built in memory when running from source) when omitted. */
  script?: WidgetScript;
}

export interface WebChannel {
  /** The outbound half, for the responder's channel registry. */
  readonly channel: Channel;
  /** Connects the responder: until then visitors can open the widget, and their messages are refused as unavailable. */
  start(inbound: InboundPort): void;
  /** Mounts `GET /widget.js`, `/widget/settings` and `/widget/demo` on the service's Express app. */
  mount(app: IRouter): void;
  /** Takes the WebSocket upgrades of `/widget/ws` on the service's HTTP server. */
  attach(server: Server): void;
  /** Closes the live connections (before the HTTP server closes: upgraded sockets would hold it open). */
  stop(): Promise<void>;
  /** Deletes the visitor's brief and contact kept for a purged conversation (the retention job calls it). */
  forget(chatId: string): Promise<void>;
  /** The size of `widget.js` as served, in bytes. */
  readonly scriptSize: { bytes: number; gzipBytes: number };
}

/** Builds the web channel (see the module comment). Nothing listens until `mount` and `attach`. */
export async function createWebChannel(deps: WebChannelDeps): Promise<WebChannel> {
  const now = deps.now ?? (() => new Date());
  const nowMs = () => now().getTime();
  const logger = deps.logger.child({ module: 'web' });
  const limits = { ...DEFAULT_WIDGET_LIMITS, ...deps.limits };
  const script = deps.script ?? (await loadWidgetScript());
  const origins = new AllowedOrigins(deps.config.widget.origins);
  const { widget, consent } = deps.config;

  const live = new LiveConversations({ store: deps.store, logger, now });
  let inbound: InboundPort | undefined;
  const sockets = new WidgetSocketServer({
    store: deps.store,
    logger,
    now,
    origins,
    sessions: new WidgetSessions({ kv: deps.store.kv, ttlDays: deps.config.contextTtlDays, now }),
    visitors: new Visitors({
      kv: deps.store.kv,
      audit: deps.store.audit,
      ttlDays: deps.config.contextTtlDays,
      now,
    }),
    live,
    limits: {
      messagesPerSession: new WindowLimit(limits.messagesPerSessionPerMinute, 60_000, nowMs),
      messagesPerAddress: new WindowLimit(limits.messagesPerAddressPerMinute, 60_000, nowMs),
      connectionsPerAddress: new WindowLimit(limits.connectionsPerAddressPerMinute, 60_000, nowMs),
    },
    // The text the visitor was shown is the one recorded with their consent.
    consent: (locale) => ({
      text: consent.text ?? widgetTexts(locale ?? widget.locale).consent,
      privacyPolicyUrl: consent.privacyPolicyUrl ?? null,
    }),
    inbound: () => inbound,
  });

  return {
    channel: live.channel,
    start(port) {
      inbound = port;
    },
    mount(app) {
      mountWidgetRoutes(app, {
        script,
        origins,
        look: {
          color: widget.color,
          title: widget.title,
          locale: widget.locale,
          consentText: consent.text,
          privacyPolicyUrl: consent.privacyPolicyUrl,
        },
      });
    },
    attach(server) {
      sockets.attach(server);
    },
    stop: () => sockets.stop(),
    async forget(chatId) {
      if (channelOf(chatId) === 'web') await deps.store.kv.delete(visitorKey(chatId));
    },
    scriptSize: { bytes: script.js.length, gzipBytes: script.gzip.length },
  };
}
