/**
 * `npm run amocrm -- connect <code>` — exchanges an amoCRM authorization code (from the redirect after the
 * integration was installed; the whole redirect URL works too) for the first OAuth token pair and stores it,
 * encrypted like the rest, where the service reads it. Codes live about 20 minutes and work once.
 * `npm run amocrm -- status` shows whether amoCRM is connected and answers.
 */
import { ConfigError, loadConfig, loadDotEnv } from '../../src/config.js';
import {
  AmoCrmError,
  createAmoCrm,
  kvTokenStore,
  OAuthAuth,
  parseAmoCrmConfig,
} from '../../src/integrations/amocrm/index.js';
import { DataKeyError } from '../../src/security/cipher.js';
import { openStore } from '../../src/store/index.js';

const USAGE = 'usage: npm run amocrm -- connect <code | redirect URL>  |  npm run amocrm -- status';

/** The code from a bare code or from the redirect URL amoCRM sent the admin to. */
function codeOf(arg: string): string {
  if (!/^https?:\/\//.test(arg)) return arg.trim();
  const code = new URL(arg).searchParams.get('code');
  if (!code) throw new UsageError('the URL has no ?code=… parameter');
  return code;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  if (command !== 'connect' && command !== 'status') throw new UsageError(USAGE);
  if (command === 'connect' && !arg) throw new UsageError(`connect needs the authorization code\n${USAGE}`);
  loadDotEnv();
  const config = loadConfig();
  const amo = parseAmoCrmConfig(process.env);
  if (!amo.enabled) {
    console.error(
      'amoCRM is not configured: set AMOCRM_BASE_URL and AMOCRM_CLIENT_ID, AMOCRM_CLIENT_SECRET, AMOCRM_REDIRECT_URI (see .env.example).',
    );
    return 2;
  }
  const store = await openStore(config.storage);
  try {
    const tokenStore = kvTokenStore(store.kv);
    if (command === 'connect') {
      if (amo.auth.kind !== 'oauth') {
        console.error('AMOCRM_ACCESS_TOKEN (a long-lived token) is set: there is nothing to connect.');
        return 2;
      }
      const auth = new OAuthAuth({ baseUrl: amo.baseUrl, ...amo.auth, store: tokenStore });
      const tokens = await auth.exchangeCode(codeOf(arg!));
      console.log(
        `amoCRM connected (${config.storage.kind} store): token pair saved, access token valid until ` +
          `${new Date(tokens.expiresAt).toISOString()}; the service refreshes it from now on.`,
      );
      return 0;
    }
    const { client } = createAmoCrm(amo, { tokenStore });
    const account = await client.account();
    const stored = amo.auth.kind === 'oauth' ? await tokenStore.load() : null;
    console.log(
      `amoCRM: account ${account.name} (${account.subdomain}), ${amo.auth.kind === 'oauth' ? 'OAuth' : 'long-lived token'}` +
        (stored ? `, access token valid until ${new Date(stored.expiresAt).toISOString()}` : ''),
    );
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof DataKeyError || err instanceof AmoCrmError)
      console.error(err.message);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
