import express, { type Express } from 'express';
import type { Logger } from '../../logger.js';
import type { AddressList } from './ip-allowlist.js';
import { notificationSourceAllowed } from './ip-allowlist.js';
import { parseNotification } from './notifications.js';

export const YOOKASSA_NOTIFICATIONS_PATH = '/yookassa/notifications';
export const YOOKASSA_RETURN_PATH = '/yookassa/return';
/** A notification carries one payment object: a few kilobytes. */
const BODY_LIMIT = '64kb';

export interface YooKassaRouteDeps {
  allowlist: AddressList;
  trustedProxies: AddressList;
  /** Queues the check of the notified object against YooKassa (see `checkout.ts`). */
  notified(kind: 'payment' | 'refund', objectId: string): Promise<void>;
  /** What the buyer reads on returning from the payment page. */
  returnText: string;
  logger: Logger;
}

/**
 * `POST /yookassa/notifications`: YooKassa signs nothing, so a notification is accepted only from its published
 * address ranges (the forwarded address counts only from a trusted proxy), and even then it is only a hint:
 * the object is fetched by id in a durable job and only its fetched status is acted on. Anything else gets a
 * bare 403; a malformed body a 400 with the reason; a known event a 200 once its check is queued (503 when it
 * cannot be, so YooKassa delivers again). `GET /yookassa/return` is where the buyer lands after paying.
 */
export function mountYooKassaRoutes(app: Express, deps: YooKassaRouteDeps): void {
  const json = express.json({ limit: BODY_LIMIT, type: () => true });
  app.post(
    YOOKASSA_NOTIFICATIONS_PATH,
    (req, res, next) => {
      const source = notificationSourceAllowed({
        remoteAddress: req.socket.remoteAddress,
        forwardedFor: req.get('x-forwarded-for'),
        allowlist: deps.allowlist,
        trustedProxies: deps.trustedProxies,
      });
      if (!source.allowed) {
        deps.logger.warn(
          { address: source.address },
          'YooKassa notification from outside its ranges refused',
        );
        res.status(403).json({ error: 'forbidden' });
        return;
      }
      next();
    },
    json,
    async (req, res) => {
      const parsed = parseNotification(req.body);
      if (!parsed.ok) {
        res.status(400).json({ error: 'bad_request', reason: parsed.reason });
        return;
      }
      const n = parsed.notification;
      if (n.kind === 'other') {
        deps.logger.debug({ event: n.event }, 'YooKassa notification we do not act on');
        res.status(200).json({ ok: true });
        return;
      }
      try {
        await deps.notified(n.kind, n.objectId);
      } catch (err) {
        deps.logger.error({ err }, 'YooKassa notification could not be queued');
        res.status(503).json({ error: 'unavailable' });
        return;
      }
      res.status(200).json({ ok: true });
    },
  );
  app.get(YOOKASSA_RETURN_PATH, (_req, res) => {
    res.type('text/plain; charset=utf-8').send(deps.returnText);
  });
}
