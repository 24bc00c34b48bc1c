/** Webhook mode: the secret for `X-Telegram-Bot-Api-Secret-Token`, and the Express route. */
import { randomBytes } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Bot, Context } from 'grammy';
import { webhookCallback } from 'grammy';
import { secretEquals } from '../lib/secrets.js';
import type { Logger } from '../logger.js';
import type { KvRepository } from '../store/port.js';

export const WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';
const SECRET_KEY = 'telegram:webhook-secret';

/**
 * The configured secret, or one generated once and kept in kv under `key` (so restarts keep the registered one).
 */
export async function webhookSecret(
  configured: string | undefined,
  kv: KvRepository,
  key = SECRET_KEY,
): Promise<string> {
  if (configured) return configured;
  await kv.setIfAbsent(key, randomBytes(32).toString('base64url'));
  const stored = await kv.get<string>(key);
  if (typeof stored !== 'string') throw new Error('Telegram webhook secret could not be stored');
  return stored;
}

/**
 * `POST /telegram/webhook` (or `path`): the secret header is checked (constant time) before the body is even
 * parsed, and so is the path's `:secret` segment when the path has one; updates are handled by grammY with a 9 s
 * budget (Telegram gives up at 10 s and redelivers).
 */
export function mountWebhookRoute<C extends Context>(
  app: Express,
  deps: {
    bot: Bot<C>;
    secret: () => Promise<string>;
    accepting: () => boolean;
    logger: Logger;
    path?: string;
  },
): void {
  const path = deps.path ?? WEBHOOK_PATH;
  const handle = webhookCallback(deps.bot, 'express', { onTimeout: 'return', timeoutMilliseconds: 9_000 });
  const checkSecret: RequestHandler = async (req, res, next) => {
    try {
      const secret = await deps.secret();
      const segment: unknown = req.params.secret;
      const inPath = path.includes(':secret')
        ? secretEquals(typeof segment === 'string' ? segment : undefined, secret)
        : true;
      // Both compared whatever the first gives, so the time taken tells nothing about which one was wrong.
      if (!(secretEquals(req.get(SECRET_HEADER), secret) && inPath)) {
        deps.logger.warn({ ip: req.ip }, 'telegram webhook: wrong secret');
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
      if (!deps.accepting()) {
        // Telegram keeps the update and redelivers once we are back.
        res.status(503).json({ error: 'stopping' });
        return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
  app.post(path, checkSecret, express.json({ limit: '1mb' }), async (req, res, next) => {
    // Not JSON (other content type, empty body) or not an object: grammY would throw on it (a 500).
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ error: 'invalid_update', reason: 'expected a JSON object (application/json)' });
      return;
    }
    try {
      await handle(req, res);
    } catch (error) {
      next(error);
    }
  });
}
