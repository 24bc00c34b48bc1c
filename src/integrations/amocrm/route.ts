import express, { type Express, type Request } from 'express';
import { secretMatcher, storedSecret } from '../../lib/secrets.js';
import type { Logger } from '../../logger.js';
import type { KvRepository } from '../../store/port.js';
import { parseAmoWebhook } from './webhook.js';

export const AMOCRM_WEBHOOK_PATH = '/amocrm/webhook';
const SECRET_KV_KEY = 'amocrm:webhook-secret';
/** amoCRM's stage-change POSTs are small; a batch of a few hundred changes fits well within this. */
const BODY_LIMIT = '256kb';

/** `AMOCRM_WEBHOOK_SECRET` when set, else generated once and kept in the store (every instance, every restart). */
export function resolveAmoWebhookSecret(configured: string | undefined, kv: KvRepository): Promise<string> {
  return storedSecret(configured, kv, SECRET_KV_KEY, 'amoCRM webhook secret');
}

/** True for a request to our webhook path with our secret (exempt from the per-IP budget). */
export function isAmoWebhookRequest(secret: string): (req: Request) => boolean {
  const ours = secretMatcher(secret);
  const prefix = `${AMOCRM_WEBHOOK_PATH}/`;
  return (req) => req.path.startsWith(prefix) && ours(req.path.slice(prefix.length));
}

export interface AmoWebhookRouteDeps {
  secret: string;
  /** Queues a re-read of the deal: its status as amoCRM has it is what counts, not the body's. */
  statusChanged(dealId: number): Promise<void>;
  /** Our account's id once known (a body naming another account is refused). */
  accountId(): number | undefined;
  logger: Logger;
}

/**
 * `POST /amocrm/webhook/:secret`: amoCRM's stage changes (form-encoded `leads[status][i][…]`, unsigned). The
 * secret is compared in constant time and a wrong one gets the same 404 as an unknown route; a malformed body
 * is a 400 with the reason; each change queues a durable re-read of its deal before the 200 (amoCRM waits about
 * 2 s and retries). A queue that cannot be written answers 503 so amoCRM delivers again.
 */
export function mountAmoCrmWebhook(app: Express, deps: AmoWebhookRouteDeps): void {
  const ours = secretMatcher(deps.secret);
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: BODY_LIMIT });
  app.post(`${AMOCRM_WEBHOOK_PATH}/:secret`, form, async (req, res) => {
    if (!ours(req.params.secret)) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      res
        .status(415)
        .json({ error: 'unsupported_media_type', reason: 'expected a form-encoded amoCRM webhook' });
      return;
    }
    const parsed = parseAmoWebhook(typeof req.body === 'string' ? req.body : '');
    if (!parsed.ok) {
      res.status(400).json({ error: 'bad_request', reason: parsed.reason });
      return;
    }
    const account = deps.accountId();
    const claimed = parsed.webhook.account.id;
    if (account !== undefined && claimed !== undefined && claimed !== account) {
      deps.logger.warn({ claimed }, 'amoCRM webhook for another account refused');
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    try {
      for (const change of parsed.webhook.changes) await deps.statusChanged(change.leadId);
    } catch (err) {
      deps.logger.error({ err }, 'amoCRM webhook could not be queued');
      res.status(503).json({ error: 'unavailable' });
      return;
    }
    res.status(200).json({ ok: true });
  });
}
