import type { RequestHandler } from 'express';
import { z } from 'zod';
import { sendHal, sendOAuthProblem, sendProblem } from './errors.js';
import type { AmoState } from './state.js';

const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('authorization_code'),
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    code: z.string().min(1),
    redirect_uri: z.string().min(1),
  }),
  z.object({
    grant_type: z.literal('refresh_token'),
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    refresh_token: z.string().min(1),
    redirect_uri: z.string().min(1),
  }),
]);

/**
 * `POST /oauth2/access_token`: the code exchange and the refresh, JSON or form [U: form]. A refresh token
 * works once: the old one dies as the new pair is issued [C: single use].
 */
export function tokenHandler(state: AmoState): RequestHandler {
  return (req, res) => {
    const type = req.headers['content-type'] ?? '';
    if (!type.includes('json') && !type.startsWith('application/x-www-form-urlencoded')) {
      sendOAuthProblem(res, 400, 'Unsupported content type', 'Expected application/json');
      return;
    }
    const parsed = TokenRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || 'grant_type';
      sendOAuthProblem(
        res,
        400,
        `Check the \`${field}\` parameter`,
        'The request is missing a required parameter',
      );
      return;
    }
    const body = parsed.data;
    const integration = state.integrations.find((i) => i.clientId === body.client_id);
    if (!integration || integration.clientSecret !== body.client_secret) {
      sendOAuthProblem(res, 401, 'Client authentication failed', 'Client authentication failed');
      return;
    }
    if (integration.redirectUri !== body.redirect_uri) {
      sendOAuthProblem(
        res,
        400,
        'Redirect URI does not match',
        'The redirect_uri differs from the registered one',
      );
      return;
    }
    const refusal =
      body.grant_type === 'authorization_code'
        ? state.useCode(body.code, body.client_id)
        : state.useRefreshToken(body.refresh_token, body.client_id);
    if (refusal) {
      sendOAuthProblem(res, 400, refusal, 'The provided authorization grant is invalid, expired or revoked');
      return;
    }
    state.grants[body.grant_type] += 1;
    const pair = state.issuePair(body.client_id);
    sendHal(res, {
      token_type: 'Bearer',
      expires_in: pair.expiresIn,
      access_token: pair.accessToken,
      refresh_token: pair.refreshToken,
    });
  };
}

/** Requires a valid `Authorization: Bearer` (an OAuth access token or a long-lived token); 401 otherwise. */
export function requireBearer(state: AmoState): RequestHandler {
  return (req, res, next) => {
    if (state.ipBlocked) {
      sendProblem(res, 403, 'Requests from your IP address are restricted');
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      sendProblem(res, 401, 'Authorization header is missing');
      return;
    }
    const verdict = state.checkBearer(match[1]);
    if ('refused' in verdict) {
      sendProblem(res, 401, verdict.refused === 'expired' ? 'Token has expired' : 'Invalid access token');
      return;
    }
    res.locals.integration = verdict.integration;
    next();
  };
}

/**
 * amoCRM's limit: no more than 7 requests per second per integration [C]; past it, 429 (no body by
 * default: the SDK notes the body may be non-JSON).
 */
export class PerSecondLimiter {
  private readonly hits = new Map<string, number[]>();
  refused = 0;

  constructor(
    private readonly state: AmoState,
    private readonly perSecond: number,
  ) {}

  middleware(problemBody: () => boolean): RequestHandler {
    return (_req, res, next) => {
      if (this.perSecond <= 0) return next();
      const key = String(res.locals.integration);
      const now = this.state.nowMs();
      const recent = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
      if (recent.length >= this.perSecond) {
        this.hits.set(key, recent);
        this.refused += 1;
        if (problemBody()) {
          sendProblem(res, 429, `Too many requests: no more than ${this.perSecond} per second`);
        } else {
          res.writeHead(429, { 'content-length': 0 });
          res.end();
        }
        return;
      }
      recent.push(now);
      this.hits.set(key, recent);
      next();
    };
  }
}
