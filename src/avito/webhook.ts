import { createHash } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type { DomainMetrics, WebhookOutcome } from '../domain-metrics.js';
import type { Logger } from '../logger.js';
import { secretMatcher } from '../lib/secrets.js';
import { jsonNestedDeeperThan } from '../lib/json-depth.js';
import { isStorageFailure } from '../lib/storage-errors.js';
import type { StorageFailureReporter } from '../lib/storage-outage.js';
import type { Store } from '../store/port.js';
import type { DeliveryPressure } from './delivery-pressure.js';
import { type DeliveryIssue, parseWebhookDelivery } from './schemas.js';

/** Largest delivery we accept: one message is ≤ 1000 characters plus a small envelope. */
export const WEBHOOK_BODY_LIMIT = '64kb';
export const WEBHOOK_PATH = '/avito/webhook';
/**
 * Deepest nesting of objects and arrays a delivery may have. Avito's own go about six levels down; a deeper
 * body is refused as malformed (400, not delivered again) rather than failing to store (503, delivered forever).
 */
export const WEBHOOK_MAX_DEPTH = 32;

export interface WebhookRouteDeps {
  store: Store;
  /** Resolves the secret path segment (config, or the one generated and kept in the store). */
  secret: string;
  /**
   * Queues processing of a stored event: resolves once a job is saved, or, during a delivery storm, once the
   * queue holds it (the stored event is the durable record; see InboundQueue). Rejects when it cannot be queued.
   */
  enqueueInbound(eventId: string): Promise<void>;
  /** Counts deliveries being acknowledged (inbound processing steps aside meanwhile). */
  pressure?: DeliveryPressure;
  /** Counts deliveries by outcome for `/metrics`. */
  metrics?: Pick<DomainMetrics, 'webhookDelivery'>;
  /** Where a store that fails to write is reported (logged once per outage, the owner told). */
  storageOutage?: StorageFailureReporter;
  logger: Logger;
}

function isJsonContentType(req: Request): boolean {
  const type = req.headers['content-type'];
  // No content type at all is tolerated: Avito's own `{}` check is not documented to send one.
  return type === undefined || /^application\/([\w.+-]*\+)?json\b/i.test(type);
}

/** Short, safe reason for a 400: the path of the first problem and zod's message. */
function reasonOf(issues: readonly DeliveryIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.map(String).join('.');
  return `${path || 'body'}: ${first.message}`.slice(0, 200);
}

/**
 * Whether a request is addressed to our webhook path with our secret in it (before routing: the HTTP app's
 * rate limit asks, see HttpAppDeps.authenticated). The route checks the secret again itself.
 */
export function isOwnWebhookRequest(secret: string): (req: Request) => boolean {
  const isOurSecret = secretMatcher(secret);
  const prefix = `${WEBHOOK_PATH}/`;
  return (req) => req.path.startsWith(prefix) && isOurSecret(req.path.slice(prefix.length));
}

/**
 * `POST /avito/webhook/:secret`: validates, stores the event once and queues it before answering 200.
 * Wrong secret → the same 404 as an unknown route. Malformed → 400 with a reason, nothing stored.
 * Store or queue failure → 503 so Avito delivers again. Duplicates → 200, dropped.
 */
export function mountAvitoWebhook(app: Express, deps: WebhookRouteDeps): void {
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const isOurSecret = secretMatcher(deps.secret);
  app.post(`${WEBHOOK_PATH}/:secret`, (req, res, next) => {
    if (!isOurSecret(String(req.params.secret))) {
      deps.metrics?.webhookDelivery('wrong_secret');
      res.status(404).json({ error: 'not_found' });
      return;
    }
    deps.pressure?.track(res);
    if (!isJsonContentType(req)) {
      deps.metrics?.webhookDelivery('rejected');
      res.status(415).json({ error: 'unsupported_media_type', reason: 'expected application/json' });
      return;
    }
    raw(req, res, (err?: unknown) => (err ? next(err) : void handle(req, res, deps)));
  });
}

/** Stateless when not streaming, so one serves every request. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

async function handle(req: Request, res: Response, deps: WebhookRouteDeps): Promise<void> {
  const outcome = await receive(req, res, deps);
  deps.metrics?.webhookDelivery(outcome);
}

/** Answers the delivery and says what became of it. */
async function receive(req: Request, res: Response, deps: WebhookRouteDeps): Promise<WebhookOutcome> {
  const log = res.locals.log ?? deps.logger;
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let json: unknown;
  try {
    const text = strictUtf8.decode(body);
    if (jsonNestedDeeperThan(text, WEBHOOK_MAX_DEPTH)) {
      const reason = `body: nested deeper than ${WEBHOOK_MAX_DEPTH} levels`;
      log.info({ reason }, 'avito webhook rejected');
      res.status(400).json({ error: 'invalid_payload', reason });
      return 'rejected';
    }
    json = JSON.parse(text);
  } catch {
    res.status(400).json({ error: 'invalid_json', reason: 'body is not valid UTF-8 JSON' });
    return 'rejected';
  }
  // Avito checks a new subscription with a bare `{}`.
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && Object.keys(json).length === 0) {
    res.status(200).json({ ok: true });
    return 'probe';
  }
  const parsed = parseWebhookDelivery(json);
  if (!parsed.success) {
    const reason = reasonOf(parsed.issues);
    log.info({ reason }, 'avito webhook rejected');
    res.status(400).json({ error: 'invalid_payload', reason });
    return 'rejected';
  }
  const { envelope, message } = parsed.data;
  const messageId = message?.id ?? null;
  const eventId =
    envelope.id ??
    (messageId ? `msg:${messageId}` : `sha:${createHash('sha256').update(body).digest('hex').slice(0, 40)}`);

  try {
    const stored = await deps.store.events.insertOnce({ id: eventId, messageId, payload: json });
    if (stored.inserted) {
      await deps.enqueueInbound(eventId);
      log.debug({ eventId, messageId }, 'avito event stored');
      res.status(200).json({ ok: true });
      return 'accepted';
    }
    // A redelivery of an event we have but have not finished: make sure it is queued (idempotent).
    if (stored.existing.status === 'pending') await deps.enqueueInbound(stored.existing.id);
    res.status(200).json({ ok: true, duplicate: true });
    return 'duplicate';
  } catch (err) {
    // Every redelivery fails the same way while the disk is full: the outage is logged once, not per delivery.
    if (deps.storageOutage && isStorageFailure(err)) {
      deps.storageOutage.report(err, 'avito webhook');
      log.debug({ eventId }, 'avito event could not be stored (storage failing); asking Avito to retry');
    } else log.error({ err, eventId }, 'avito event could not be stored; asking Avito to retry');
    res.status(503).json({ error: 'unavailable', reason: 'could not store the event, retry later' });
    return 'unavailable';
  }
}
