import { createHash, randomBytes } from 'node:crypto';
import type { KvRepository } from '../store/port.js';
import type { AvitoClient } from './client.js';
import { WEBHOOK_PATH } from './webhook.js';

const SECRET_KV_KEY = 'avito:webhook-secret';
/** A fingerprint of the URL we last saw subscribed (not the URL: that would be a second copy of the secret). */
const SUBSCRIBED_KV_KEY = 'avito:webhook-subscribed';

/**
 * The secret path segment of our webhook URL: `AVITO_WEBHOOK_SECRET` when set, else generated once
 * (32 random bytes) and kept in the store so every instance and restart uses the same URL.
 */
export async function resolveWebhookSecret(
  configured: string | undefined,
  kv: KvRepository,
): Promise<string> {
  if (configured) return configured;
  await kv.setIfAbsent(SECRET_KV_KEY, randomBytes(32).toString('base64url'));
  const secret = await kv.get<string>(SECRET_KV_KEY);
  if (!secret) throw new Error('could not keep the generated Avito webhook secret in the store');
  return secret;
}

export function webhookUrl(publicUrl: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}/${secret}`;
}

/** Shows a webhook URL without its secret (for logs and owner messages). */
export function maskWebhookUrl(url: string): string {
  return url.replace(/(\/avito\/webhook\/)[^/?#]+/, '$1…');
}

/**
 * `subscribed`: ours was there. `first`: it had never been subscribed (a fresh start, a new PUBLIC_URL): we
 * subscribed it, which is routine. `resubscribed`: a subscription we had made was gone and we made it again,
 * which is an incident (messages sent meanwhile were not delivered).
 */
export type SubscriptionState = 'subscribed' | 'first' | 'resubscribed';

const fingerprint = (url: string) => createHash('sha256').update(url).digest('base64url');

/** Remembers that `url` is subscribed (after subscribing it, or seeing it subscribed), or forgets it. */
export async function rememberSubscription(kv: KvRepository, url: string | undefined): Promise<void> {
  if (url === undefined) await kv.delete(SUBSCRIBED_KV_KEY);
  else await kv.set(SUBSCRIBED_KV_KEY, fingerprint(url));
}

/** Checks that `url` is among Avito's subscriptions and subscribes it if not; says which case it was. */
export async function ensureSubscribed(
  client: Pick<AvitoClient, 'subscriptions' | 'subscribe'>,
  kv: KvRepository,
  url: string,
): Promise<SubscriptionState> {
  const current = await client.subscriptions();
  const hadIt = (await kv.get<string>(SUBSCRIBED_KV_KEY)) === fingerprint(url);
  if (current.some((s) => s.url === url)) {
    if (!hadIt) await rememberSubscription(kv, url);
    return 'subscribed';
  }
  await client.subscribe(url);
  await rememberSubscription(kv, url);
  return hadIt ? 'resubscribed' : 'first';
}
