import { z } from 'zod';
import { exchange, type FetchLike, HttpFailure, parseJsonBody } from '../../lib/http.js';
import type { Logger } from '../../logger.js';
import type { KvRepository } from '../../store/port.js';
import { AmoCrmError, errorFromResponse } from './errors.js';
import { tokenResponseSchema } from './schemas.js';

/** An OAuth pair as we keep it. */
export interface AmoTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Where the OAuth pair lives between restarts. The service passes the store's kv (sealed at rest with
 * DATA_ENCRYPTION_KEY); `save` must be durable before it resolves, because the refresh token it replaces is
 * already dead.
 */
export interface AmoTokenStore {
  load(): Promise<AmoTokens | null>;
  save(tokens: AmoTokens): Promise<void>;
}

/** The kv key of the OAuth pair, shared by the service and `npm run amocrm -- connect`. */
export const AMOCRM_TOKENS_KV_KEY = 'amocrm:oauth';

const storedTokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
});

/** An {@link AmoTokenStore} on the store's kv; an unreadable value counts as absent. */
export function kvTokenStore(
  kv: Pick<KvRepository, 'get' | 'set'>,
  key = AMOCRM_TOKENS_KV_KEY,
): AmoTokenStore {
  return {
    async load() {
      const parsed = storedTokens.safeParse(await kv.get(key));
      return parsed.success ? parsed.data : null;
    },
    save: (tokens) => kv.set(key, tokens),
  };
}

/** What the client needs from either way of authenticating. */
export interface AmoAuth {
  /** The Bearer token for the next call. */
  token(): Promise<string>;
  /** amoCRM answered 401 to `token`; true when a fresh one is worth one more try. */
  rejected(token: string): Promise<boolean>;
}

/** The long-lived token of a private integration: no refresh, a 401 means it was revoked or expired. */
export class LongLivedAuth implements AmoAuth {
  constructor(private readonly accessToken: string) {}

  token(): Promise<string> {
    return Promise.resolve(this.accessToken);
  }

  rejected(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

export interface OAuthOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  store: AmoTokenStore;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** A token closer than this to expiry is refreshed before use. Default 5 minutes. */
  refreshMarginMs?: number;
  now?: () => number;
  logger?: Logger;
}

const RECONNECT = 'reconnect with `npm run amocrm -- connect <code>`';

/**
 * OAuth 2.0 of an amoCRM integration: the one-time code exchange, then access tokens refreshed ahead of
 * expiry. Refresh tokens are single-use [C], so refreshes are serialised and each new pair is saved before
 * its access token is used; a pair rotated meanwhile by another process is picked up from the store.
 */
export class OAuthAuth implements AmoAuth {
  private current: AmoTokens | undefined;
  private inflight: Promise<AmoTokens> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: OAuthOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Exchanges an authorization code (valid ~20 minutes [U]) for the first pair and saves it. */
  async exchangeCode(code: string): Promise<AmoTokens> {
    const tokens = await this.grant({ grant_type: 'authorization_code', code });
    await this.opts.store.save(tokens);
    this.current = tokens;
    return tokens;
  }

  async token(): Promise<string> {
    this.current ??= (await this.opts.store.load()) ?? undefined;
    if (!this.current) throw new AmoCrmError('auth', `amoCRM is not connected yet: ${RECONNECT}`);
    if (this.current.expiresAt - this.now() > (this.opts.refreshMarginMs ?? 5 * 60_000)) {
      return this.current.accessToken;
    }
    return (await this.refresh()).accessToken;
  }

  async rejected(token: string): Promise<boolean> {
    if (this.current && this.current.accessToken !== token) return true;
    await this.refresh();
    return true;
  }

  /** Rotates the pair now; concurrent callers share one request. */
  refresh(): Promise<AmoTokens> {
    this.inflight ??= this.rotate().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async rotate(): Promise<AmoTokens> {
    const held = this.current;
    const stored = await this.opts.store.load();
    // Another process (or the connect command) rotated since we loaded: its pair is the live one.
    if (held && stored && stored.refreshToken !== held.refreshToken && stored.expiresAt > this.now()) {
      this.current = stored;
      return stored;
    }
    const base = stored ?? held;
    if (!base) throw new AmoCrmError('auth', `amoCRM is not connected yet: ${RECONNECT}`);
    const tokens = await this.grant({ grant_type: 'refresh_token', refresh_token: base.refreshToken });
    // The old refresh token died when amoCRM issued this pair: keep the new one in memory even if the save
    // fails, so this process goes on working, and surface the failure.
    this.current = tokens;
    await this.opts.store.save(tokens);
    this.opts.logger?.info({ expiresAt: new Date(tokens.expiresAt).toISOString() }, 'amoCRM token refreshed');
    return tokens;
  }

  private async grant(
    fields:
      | { grant_type: 'authorization_code'; code: string }
      | { grant_type: 'refresh_token'; refresh_token: string },
  ): Promise<AmoTokens> {
    const path = '/oauth2/access_token';
    let res;
    try {
      res = await exchange({
        method: 'POST',
        url: `${this.opts.baseUrl}${path}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: this.opts.clientId,
          client_secret: this.opts.clientSecret,
          redirect_uri: this.opts.redirectUri,
          ...fields,
        }),
        timeoutMs: this.opts.timeoutMs ?? 15_000,
        fetch: this.opts.fetch,
      });
    } catch (err) {
      const sent = err instanceof HttpFailure ? err.sent : true;
      throw new AmoCrmError(
        'network',
        `amoCRM POST ${path}: ${err instanceof Error ? err.message : String(err)}`,
        {
          method: 'POST',
          path,
          maybeApplied: sent,
          cause: err,
        },
      );
    }
    if (res.status !== 200) {
      const error = errorFromResponse(res, 'POST', path);
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        // Any refusal of a grant means the code or refresh token is spent or wrong: only a human can fix it.
        throw new AmoCrmError('auth', `${error.message}; ${RECONNECT}`, { ...error.details });
      }
      throw error;
    }
    const parsed = parseJsonBody(tokenResponseSchema, res.text);
    if (!parsed.ok) {
      throw new AmoCrmError('invalid_response', `amoCRM POST ${path}: ${parsed.problem}`, {
        status: res.status,
      });
    }
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token,
      expiresAt: this.now() + parsed.data.expires_in * 1000,
    };
  }
}
