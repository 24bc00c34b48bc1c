import { backoffDelay } from '../lib/retry.js';
import type { Logger } from '../logger.js';
import type { KvRepository } from '../store/port.js';
import { AvitoApiError } from './errors.js';
import { tokenResponseSchema } from './schemas.js';
import { errorFromResponse, exchange, type FetchLike } from './transport.js';

/** The kv key shared by every instance, so a restart or a second process reuses the token. */
export const TOKEN_KV_KEY = 'avito:token';

interface CachedToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface TokenManagerOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  kv: KvRepository;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** A token closer than this to expiry is refreshed before use. */
  refreshMarginMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  now?: () => number;
  logger?: Logger;
  /**
   * Called on every failed token request of a streak, to tell the owner. The receiver dedupes (one alert per
   * outage); calling again lets an alert that could not be sent the first time go out with a later failure.
   */
  onProblem?: (err: AvitoApiError) => void;
  /** Called when a token request succeeds after a failure streak (the outage is over). */
  onRecovered?: () => void;
  /** Called once per token request that went out, with its outcome (for `/metrics`). */
  onRequested?: (outcome: 'ok' | 'failed') => void;
}

export interface TokenStatus {
  status: 'ok' | 'fail' | 'unknown';
  expiresAt?: string;
  lastError?: string;
  consecutiveFailures: number;
}

/**
 * OAuth `client_credentials` token for the Avito API: fetched on demand, cached in memory and in the
 * store's kv, refreshed ahead of expiry; concurrent callers share one refresh; failures back off.
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private failures = 0;
  private lastError: AvitoApiError | undefined;
  private retryAt = 0;
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly opts: TokenManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.margin = opts.refreshMarginMs ?? 10 * 60_000;
  }

  /** A valid token; refreshes when missing or about to expire. */
  async getToken(): Promise<string> {
    if (this.fresh(this.cached)) return this.cached.accessToken;
    const shared = await this.opts.kv.get<CachedToken>(TOKEN_KV_KEY);
    if (this.fresh(shared)) {
      this.cached = shared;
      return shared.accessToken;
    }
    return this.refresh();
  }

  /**
   * Forgets `token` after Avito refused it (401/403), so the next `getToken` fetches a new one.
   * A token another caller already replaced is left alone.
   */
  async invalidate(token: string): Promise<void> {
    if (this.cached?.accessToken === token) this.cached = undefined;
    const shared = await this.opts.kv.get<CachedToken>(TOKEN_KV_KEY);
    if (shared?.accessToken === token) await this.opts.kv.delete(TOKEN_KV_KEY);
  }

  /** Fetches a new token now; concurrent calls share one request. Honours the failure backoff. */
  refresh(): Promise<string> {
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** For the scheduled job: refreshes when the token expires within `withinMs`; true if it did. */
  async refreshIfExpiring(withinMs: number): Promise<boolean> {
    const current = this.cached ?? (await this.opts.kv.get<CachedToken>(TOKEN_KV_KEY)) ?? undefined;
    if (current && current.expiresAt - this.now() > withinMs) return false;
    await this.refresh();
    return true;
  }

  status(): TokenStatus {
    if (this.lastError) {
      return { status: 'fail', lastError: this.lastError.message, consecutiveFailures: this.failures };
    }
    if (!this.cached) return { status: 'unknown', consecutiveFailures: 0 };
    return { status: 'ok', expiresAt: new Date(this.cached.expiresAt).toISOString(), consecutiveFailures: 0 };
  }

  private fresh(token: CachedToken | null | undefined): token is CachedToken {
    return token !== null && token !== undefined && token.expiresAt - this.now() > this.margin;
  }

  private async fetchToken(): Promise<string> {
    if (this.lastError && this.now() < this.retryAt) throw this.lastError;
    try {
      const token = await this.requestToken().catch((err: unknown) => {
        this.opts.onRequested?.('failed');
        throw err;
      });
      this.opts.onRequested?.('ok');
      this.cached = token;
      await this.opts.kv.set(TOKEN_KV_KEY, token, Math.max(0, token.expiresAt - this.now()));
      if (this.failures > 0) {
        this.opts.logger?.info({ after: this.failures }, 'Avito token recovered');
        this.opts.onRecovered?.();
      }
      this.failures = 0;
      this.lastError = undefined;
      return token.accessToken;
    } catch (err) {
      const error =
        err instanceof AvitoApiError
          ? err
          : new AvitoApiError('invalid_response', String(err), { cause: err });
      this.failures += 1;
      this.lastError = error;
      const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 1000, maxMs: 5 * 60_000 };
      this.retryAt = this.now() + backoffDelay(this.failures, baseMs, maxMs);
      this.opts.logger?.warn({ err: error, failures: this.failures }, 'Avito token request failed');
      this.opts.onProblem?.(error);
      throw error;
    }
  }

  private async requestToken(): Promise<CachedToken> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
    }).toString();
    const res = await exchange({
      method: 'POST',
      url: `${this.opts.baseUrl}/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      timeoutMs: this.opts.timeoutMs ?? 10_000,
      fetch: this.opts.fetch ?? fetch,
    });
    if (res.status < 200 || res.status >= 300) {
      const err = errorFromResponse(res, 'POST', '/token');
      // The token endpoint refusing us means the credentials, whatever status it chose.
      throw res.status >= 400 && res.status < 500 && res.status !== 429
        ? new AvitoApiError('auth', err.message, { ...err.details })
        : err;
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new AvitoApiError('invalid_response', 'Avito token response is not JSON', { status: res.status });
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new AvitoApiError('invalid_response', 'Avito token response lacks access_token/expires_in', {
        status: res.status,
      });
    }
    return { accessToken: parsed.data.access_token, expiresAt: this.now() + parsed.data.expires_in * 1000 };
  }
}
