import type { RequestHandler } from 'express';
import { z } from 'zod';
import { sendAvitoError, sendOAuthError, sendOk } from './errors.js';
import type { AvitoState } from './state.js';

const TokenForm = z.object({
  grant_type: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

/**
 * `POST /token` (and `/token/`): the client_credentials flow. Only form-urlencoded bodies are accepted, as
 * the spec documents. Error bodies are undocumented: RFC 6749 shapes with 400/401.
 */
export function tokenHandler(state: AvitoState): RequestHandler {
  return (req, res) => {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      sendOAuthError(res, 400, 'invalid_request', 'body must be application/x-www-form-urlencoded');
      return;
    }
    const form = TokenForm.safeParse(req.body);
    if (!form.success) {
      sendOAuthError(res, 400, 'invalid_request', 'grant_type, client_id and client_secret are required');
      return;
    }
    const { grant_type, client_id, client_secret } = form.data;
    if (grant_type !== 'client_credentials') {
      // authorization_code / refresh_token are real Avito flows for third-party apps; we only need our own account.
      sendOAuthError(res, 400, 'unsupported_grant_type', `grant_type ${grant_type} is not supported`);
      return;
    }
    const known = state.clients.some((c) => c.clientId === client_id && c.clientSecret === client_secret);
    if (!known) {
      sendOAuthError(res, 401, 'invalid_client', 'invalid client_id or client_secret');
      return;
    }
    const { token, expiresIn } = state.issueToken();
    sendOk(res, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' });
  };
}

/**
 * Requires `Authorization: Bearer <token>` on every route after it. A missing header is 401; an expired or
 * unknown token gets the configured status (403 per Avito's guide, 401 per the user spec).
 */
export function requireBearer(state: AvitoState): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      sendAvitoError(res, 401, 'Unauthorized: no access token');
      return;
    }
    const verdict = state.checkToken(match[1]);
    if (verdict !== 'valid') {
      const status = state.expiredTokenStatus;
      const why = verdict === 'expired' ? 'access token expired' : 'invalid access token';
      sendAvitoError(res, status, status === 403 ? `Forbidden: ${why}` : `Unauthorized: ${why}`);
      return;
    }
    res.locals.token = match[1];
    next();
  };
}
