import type { Express } from 'express';
import { z } from 'zod';
import { sendAvitoError, sendFieldError, sendOk, zodFields } from './errors.js';
import { checkAccount, intParam, queryObject } from './request.js';
import type { AvitoState } from './state.js';
import type { ItemsRateLimit, ListingStatus } from './types.js';

const STATUSES = ['active', 'removed', 'old', 'blocked', 'rejected'] as const;

const ItemsQuery = z.object({
  per_page: intParam(1, 99, 25),
  page: intParam(1, 1_000_000, 1),
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parts = (value ?? 'active').split(',').filter((p) => p !== '');
      if (!parts.every((p): p is ListingStatus => (STATUSES as readonly string[]).includes(p))) {
        ctx.addIssue({ code: 'custom', message: `allowed values: ${STATUSES.join(', ')}` });
        return z.NEVER;
      }
      return parts;
    }),
  category: intParam(0, Number.MAX_SAFE_INTEGER, -1),
  updatedAtFrom: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
    .optional(),
});

const UpdatePriceBody = z.object({ price: z.number().int().nonnegative() });

/** Rolling one-minute request counter per access token. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly state: AvitoState,
    readonly settings: Required<ItemsRateLimit>,
  ) {}

  /** Counts the request; returns remaining calls, or seconds to wait when over the limit. */
  hit(token: string): { allowed: true; remaining: number } | { allowed: false; retryAfter: number } {
    const { perMinute } = this.settings;
    if (perMinute <= 0) return { allowed: true, remaining: Number.MAX_SAFE_INTEGER };
    const now = this.state.nowMs();
    const recent = (this.hits.get(token) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= perMinute) {
      this.hits.set(token, recent);
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(token, recent);
    return { allowed: true, remaining: perMinute - recent.length };
  }
}

/** Registers the account and items routes: `/core/v1/accounts/self`, items list (rate-limited), item info, price. */
export function registerItems(app: Express, state: AvitoState, limiter: RateLimiter): void {
  app.get('/core/v1/accounts/self', (_req, res) => {
    sendOk(res, {
      id: state.userId,
      name: state.account.name,
      email: state.account.email,
      phone: state.account.phone,
      phones: [state.account.phone],
      profile_url: `https://avito.ru/user/${state.userId.toString(16)}/profile`,
    });
  });

  app.get('/core/v1/items', (req, res) => {
    const token = String(res.locals.token);
    const verdict = limiter.hit(token);
    const limitHeaders = (remaining: number): Record<string, string> =>
      limiter.settings.perMinute > 0
        ? {
            'x-ratelimit-limit': String(limiter.settings.perMinute),
            'x-ratelimit-remaining': String(remaining),
          }
        : {};
    if (!verdict.allowed) {
      const headers = limitHeaders(0);
      if (limiter.settings.retryAfter) headers['retry-after'] = String(verdict.retryAfter);
      if (limiter.settings.emptyBody) {
        res.writeHead(429, { 'content-length': 0, ...headers });
        res.end();
      } else {
        sendFieldError(res, 429, 'too_many_requests', 'Too many requests, try again later', headers);
      }
      return;
    }
    const headers = limitHeaders(verdict.remaining);
    const query = ItemsQuery.safeParse(
      queryObject(req, ['per_page', 'page', 'status', 'category', 'updatedAtFrom']),
    );
    if (!query.success) {
      const fields = zodFields(query.error);
      const message = Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      sendFieldError(res, 400, 'bad_request', message, headers);
      return;
    }
    const { per_page, page, status, category } = query.data;
    const matching = [...state.listings.values()].filter(
      (l) => status.includes(l.status) && (category === -1 || l.category.id === category),
    );
    const resources = matching.slice((page - 1) * per_page, page * per_page).map((l) => ({
      id: l.id,
      title: l.title,
      price: l.price,
      status: l.status,
      url: l.url,
      address: l.address,
      category: l.category,
    }));
    sendOk(res, { meta: { page, per_page }, resources }, headers);
  });

  app.get('/core/v1/accounts/:user_id/items/:item_id/', (req, res) => {
    if (!checkAccount(state, req, res)) return;
    const raw = String(req.params.item_id);
    if (!/^\d+$/.test(raw)) {
      sendAvitoError(res, 400, 'validation error', { item_id: 'must be an integer' });
      return;
    }
    const listing = state.listings.get(Number(raw));
    if (!listing) {
      // The spec's status enum has not_found: Avito answers 200 with it rather than 404.
      sendOk(res, { status: 'not_found', url: null, start_time: null, finish_time: null, vas: null });
      return;
    }
    sendOk(res, {
      autoload_item_id: null,
      status: listing.status,
      url: listing.url,
      start_time: listing.startTime,
      finish_time: listing.finishTime,
      vas: [],
    });
  });

  app.post('/core/v1/items/:item_id/update_price', (req, res) => {
    const listing = state.listings.get(Number(req.params.item_id));
    if (!listing) {
      sendAvitoError(res, 404, 'Not found');
      return;
    }
    const body = UpdatePriceBody.safeParse(req.body);
    if (!body.success) {
      sendAvitoError(res, 400, 'Bad Request', zodFields(body.error));
      return;
    }
    listing.price = body.data.price;
    sendOk(res, { result: { success: true } });
  });
}
