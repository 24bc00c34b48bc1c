import { createHmac } from 'node:crypto';
import type { Agenda } from 'agenda';
import type { Express, Request, RequestHandler, Response } from 'express';
import { secretEquals } from '../lib/secrets.js';

export const ADMIN_PATH = '/admin';
export const JOBS_PATH = `${ADMIN_PATH}/jobs`;
export const SESSION_COOKIE = 'admin_session';
const SESSION_SECONDS = 8 * 3600;

/**
 * The dashboard is a bundled single-page app: scripts and styles from its own origin, inline styles
 * (its UI library sets them), XHR to its own API. Still never framed, no plugins, no foreign forms.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface AdminDeps {
  token: string;
  agenda: Agenda;
  /** Served over https: the session cookie gets `Secure`. */
  https: boolean;
}

/**
 * The session cookie holds an HMAC of the admin token, not the token: a stolen cookie value cannot be
 * replayed as a Bearer token on /metrics. It changes (and old sessions end) when ADMIN_TOKEN changes.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('avito-responder admin session v1').digest('base64url');
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function bearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(.+)$/i)?.[1];
}

/** Query string without `token`, so the secret does not stay in the address bar or history. */
function withoutToken(req: Request): string {
  const url = new URL(req.originalUrl, 'http://local');
  url.searchParams.delete('token');
  return `${url.pathname}${url.search}`;
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` (scripts), or for a browser `?token=<ADMIN_TOKEN>` once: that sets
 * an HttpOnly, SameSite=Strict session cookie scoped to /admin and redirects to the same URL without the
 * token. SameSite=Strict is the CSRF defence for the dashboard's POST actions. All compares are constant time.
 */
export function requireAdmin(deps: AdminDeps): RequestHandler {
  const session = sessionValue(deps.token);
  return (req, res, next) => {
    if (secretEquals(bearer(req.get('authorization')), deps.token)) return next();
    if (secretEquals(cookie(req, SESSION_COOKIE), session)) return next();
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (query !== undefined && secretEquals(query, deps.token) && req.method === 'GET') {
      res.cookie(SESSION_COOKIE, session, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.https,
        path: ADMIN_PATH,
        maxAge: SESSION_SECONDS * 1000,
      });
      res.redirect(303, withoutToken(req));
      return;
    }
    res.status(401).json({ error: 'unauthorized' });
  };
}

/** Sets the dashboard's CSP and keeps it: agendash sets its own header later, which would replace ours. */
function dashboardHeaders(): RequestHandler {
  return (_req, res: Response, next) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Cache-Control', 'no-store');
    const setHeader = res.setHeader.bind(res);
    res.setHeader = ((name: string, value: number | string | readonly string[]) =>
      name.toLowerCase() === 'content-security-policy'
        ? res
        : setHeader(name, value)) as Response['setHeader'];
    next();
  };
}

/**
 * `/admin/*` behind ADMIN_TOKEN, with the agendash jobs dashboard at `/admin/jobs/`. Only mounted when
 * ADMIN_TOKEN is set: without it these paths are the ordinary JSON 404.
 */
export function mountAdmin(app: Express, deps: AdminDeps): void {
  app.use(ADMIN_PATH, requireAdmin(deps));
  // The page loads `./assets/…`: relative URLs need the trailing slash.
  app.get(JOBS_PATH, (req, res, next) => {
    if (req.path.endsWith('/')) return next();
    const url = new URL(req.originalUrl, 'http://local');
    res.redirect(301, `${JOBS_PATH}/${url.search}`);
  });
  app.use(JOBS_PATH, dashboardHeaders(), lazyDashboard(deps.agenda));
}

/** agendash (and its UI) is loaded on the first request to the dashboard, not with the service. */
function lazyDashboard(agenda: Agenda): RequestHandler {
  let dashboard: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    dashboard ??= import('agendash').then(({ createExpressMiddleware }) => createExpressMiddleware(agenda));
    dashboard.then((handle) => handle(req, res, next), next);
  };
}
