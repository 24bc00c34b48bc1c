import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { CalendarDiscovery } from './discovery.js';
import { authError, CalendarError, insufficientScopes, sendError, sendOAuthError, sendOk } from './errors.js';
import type { CalendarState, IssuedToken } from './state.js';

/** A service account the simulated Google knows: its e-mail and the public half of its key. */
export interface SimServiceAccount {
  clientEmail: string;
  /** PEM (SPKI or PKCS#1) or a KeyObject. */
  publicKey: string | KeyObject;
  /** `private_key_id` of the key file; when the JWT names a `kid`, it must be this one. */
  privateKeyId?: string;
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The audience Google requires in the assertion (the token endpoint's URL). */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const LEGACY_AUDIENCE = 'https://accounts.google.com/o/oauth2/token';
/** An access token lives an hour; Google answers 3599. */
const TOKEN_SECONDS = 3599;
/** Leeway for clocks that drift a little [U: Google's exact tolerance]. */
const SKEW_SECONDS = 300;

const TokenForm = z.object({ grant_type: z.string(), assertion: z.string().optional() });

const Header = z.object({ alg: z.string(), typ: z.string().optional(), kid: z.string().optional() });
const Claims = z.object({
  iss: z.string(),
  scope: z.string().optional(),
  aud: z.string(),
  iat: z.number(),
  exp: z.number(),
  sub: z.string().optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

/**
 * `POST /token` with the JWT-bearer grant, as Google's OAuth server answers a service account: the
 * assertion must be RS256-signed by a known account's key, addressed to Google's token URL (or this
 * simulator's own), live at most an hour, and ask for scopes the Calendar API defines. Error texts are
 * Google's as remembered [U]; clients should rely on the status and `error` only.
 */
export function tokenHandler(
  state: CalendarState,
  accounts: Map<string, SimServiceAccount>,
  discovery: CalendarDiscovery,
  ownTokenUrl: () => string,
): RequestHandler {
  return (req, res) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return sendOAuthError(
        res,
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    }
    const form = TokenForm.safeParse(req.body);
    if (!form.success)
      return sendOAuthError(res, 400, 'invalid_request', 'Missing required parameter: grant_type');
    if (form.data.grant_type !== JWT_BEARER) {
      return sendOAuthError(
        res,
        400,
        'unsupported_grant_type',
        `Invalid grant_type: ${form.data.grant_type}`,
      );
    }
    const assertion = form.data.assertion ?? '';
    const parts = assertion.split('.');
    if (parts.length !== 3)
      return sendOAuthError(res, 400, 'invalid_request', 'Invalid JWT: malformed assertion');
    const header = Header.safeParse(decodeJson(parts[0]!));
    const claims = Claims.safeParse(decodeJson(parts[1]!));
    if (!header.success || !claims.success) {
      return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT: cannot read header or claims');
    }
    if (header.data.alg !== 'RS256')
      return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
    const account = accounts.get(claims.data.iss);
    if (!account) return sendOAuthError(res, 400, 'invalid_grant', 'Invalid grant: account not found');
    if (
      header.data.kid !== undefined &&
      account.privateKeyId !== undefined &&
      header.data.kid !== account.privateKeyId
    ) {
      return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
    }
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${parts[0]}.${parts[1]}`);
    const key =
      typeof account.publicKey === 'string' ? createPublicKey(account.publicKey) : account.publicKey;
    if (!verifier.verify(key, Buffer.from(parts[2]!, 'base64url'))) {
      return sendOAuthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
    }
    const { aud, iat, exp, scope, sub } = claims.data;
    if (aud !== GOOGLE_TOKEN_AUDIENCE && aud !== LEGACY_AUDIENCE && aud !== ownTokenUrl()) {
      return sendOAuthError(
        res,
        400,
        'invalid_grant',
        `Invalid JWT: audience ${aud} is not the token endpoint`,
      );
    }
    const now = Math.floor(state.now() / 1000);
    if (exp - iat > 3600 || exp <= iat || iat > now + SKEW_SECONDS || exp < now - SKEW_SECONDS) {
      return sendOAuthError(res, 400, 'invalid_grant', SHORT_LIVED);
    }
    if (sub !== undefined) {
      // Domain-wide delegation needs Workspace admin consent the simulated account never has.
      return sendOAuthError(
        res,
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      );
    }
    const scopes = (scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !discovery.scopes.has(s))) {
      return sendOAuthError(res, 400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    }
    const token = state.issueToken(account.clientEmail, new Set(scopes), TOKEN_SECONDS);
    sendOk(res, { access_token: token, expires_in: TOKEN_SECONDS, token_type: 'Bearer' });
  };
}

/** Who is calling, as `requireBearer` found out. */
export function callerOf(res: Response): IssuedToken {
  return res.locals.caller as IssuedToken;
}

/** `Authorization: Bearer …` on every API route: missing → 401 `required`, unknown or expired → 401 `authError`. */
export function requireBearer(state: CalendarState): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      return sendError(
        res,
        new CalendarError(
          401,
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          [
            {
              domain: 'global',
              reason: 'required',
              message: 'Login Required.',
              locationType: 'header',
              location: 'Authorization',
            },
          ],
        ),
      );
    }
    const token = state.tokens.get(match[1]);
    if (!token || token.expiresAt <= state.now()) return sendError(res, authError());
    res.locals.caller = token;
    next();
  };
}

/** 403 unless the caller's token carries one of the scopes the discovery document lists for the method. */
export function checkScopes(caller: IssuedToken, accepted: readonly string[]): void {
  if (!accepted.some((s) => caller.scopes.has(s))) throw insufficientScopes();
}
