/**
 * Manages the Avito webhook subscription: `npm run webhook -- register|unregister|status`.
 * The URL is PUBLIC_URL + /avito/webhook/<secret>; the secret comes from AVITO_WEBHOOK_SECRET or the store.
 */
import { AvitoClient } from '../../src/avito/client.js';
import { AvitoApiError, explain } from '../../src/avito/errors.js';
import {
  maskWebhookUrl,
  rememberSubscription,
  resolveWebhookSecret,
  webhookUrl,
} from '../../src/avito/subscription.js';
import { TokenManager } from '../../src/avito/token.js';
import { ConfigError, loadConfig, loadDotEnv } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';

const USAGE = 'usage: npm run webhook -- register | unregister | status';

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command !== 'register' && command !== 'unregister' && command !== 'status') {
    console.error(USAGE);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  if (!config.avito.clientId || !config.avito.clientSecret) {
    console.error('AVITO_CLIENT_ID and AVITO_CLIENT_SECRET are required.');
    return 2;
  }
  if (command !== 'status' && !config.http.publicUrl) {
    console.error('PUBLIC_URL is required: Avito must reach this service over https.');
    return 2;
  }
  const store = await openStore(config.storage);
  try {
    const tokens = new TokenManager({
      baseUrl: config.avito.apiBase,
      clientId: config.avito.clientId,
      clientSecret: config.avito.clientSecret,
      kv: store.kv,
    });
    const client = new AvitoClient({ baseUrl: config.avito.apiBase, tokens, userId: config.avito.userId });
    const secret = await resolveWebhookSecret(config.avito.webhookSecret, store.kv);
    const url = config.http.publicUrl ? webhookUrl(config.http.publicUrl, secret) : undefined;
    const shown = url ? maskWebhookUrl(url) : '(no PUBLIC_URL)';

    if (command === 'register' && url) {
      await client.subscribe(url);
      await rememberSubscription(store.kv, url);
      console.log(`registered: ${shown}`);
    } else if (command === 'unregister' && url) {
      await client.unsubscribe(url);
      // Removed on purpose: the service subscribing it again later is not an incident.
      await rememberSubscription(store.kv, undefined);
      console.log(`unregistered: ${shown}`);
    }
    const subscriptions = await client.subscriptions();
    console.log(`subscriptions (${subscriptions.length}):`);
    for (const s of subscriptions) {
      const ours = s.url === url ? '  ← this service' : '';
      console.log(`  ${maskWebhookUrl(s.url)} ${s.version ?? ''}${ours}`);
    }
    if (command === 'status')
      console.log(
        url && subscriptions.some((s) => s.url === url) ? 'status: subscribed' : 'status: not subscribed',
      );
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof AvitoApiError) console.error(`Avito error: ${explain(err)}`);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
