import { randomUUID } from 'node:crypto';
import type { Agenda } from 'agenda';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { secretMatcher } from '../lib/secrets.js';
import type { Logger } from '../logger.js';
import { bearer, mountAdmin } from './admin.js';
import type { Metrics } from './metrics.js';
import type { CheckResult, Readiness, ReadinessReport } from './readiness.js';

declare module 'express-serve-static-core' {
  /** Set for every request by `requestContext`. */
  interface Locals {
    requestId: string;
    log: Logger;
  }
}

export interface HttpAppDeps {
  logger: Logger;
  readiness: Readiness;
  metrics: Metrics;
  /**
   * When set, `/metrics` and the details of `/ready` require `Authorization: Bearer <token>`, and the admin
   * routes (`/admin/jobs/`, needs `agenda`) are mounted behind it. Without it there are no admin routes, and
   * `/metrics` and `/ready`'s details are served to loopback clients only.
   */
  adminToken?: string | undefined;
  /** The job queue the admin dashboard shows. */
  agenda?: Agenda | undefined;
  /** Routes mounted by integrations (webhooks), before the JSON 404. Each brings its own body parser and limit. */
  mount?: Array<(app: Express) => void>;
  /** Requests a minute one client IP may make to the public routes (loopback is exempt). 0 turns it off. */
  rateLimitPerMinute?: number;
  /**
   * Recognise requests that carry an integration's own secret (Avito's webhook path): these do not count
   * against the per-IP budget, which is there for unknown clients, while a redelivery storm from an upstream's
   * few addresses is traffic the service is built to take.
   */
  authenticated?: Array<(req: Request) => boolean>;
  /** The service is reached over https (adds HSTS). */
  https?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The Express app: health, readiness, metrics, mounted integration routes, JSON 404 and errors. */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // A JSON API of POSTs and status probes: entity tags would only cost a hash of every response body.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');

  app.use(requestContext(deps));
  app.use(securityHeaders(deps.https ?? false));
  if (deps.rateLimitPerMinute) app.use(publicRateLimit(deps.rateLimitPerMinute, deps.authenticated ?? []));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  const operator = operatorCheck(deps.adminToken);

  app.get('/ready', async (req, res) => {
    const report = await deps.readiness.report();
    res.status(report.status === 'ok' ? 200 : 503).json(operator(req) ? report : statusesOnly(report));
  });

  app.get('/metrics', async (req, res) => {
    if (!operator(req)) {
      if (deps.adminToken) res.status(401).json({ error: 'unauthorized' });
      else
        res.status(403).json({
          error: 'forbidden',
          reason: 'metrics are served to loopback only; set ADMIN_TOKEN to read them with a Bearer token',
        });
      return;
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  if (deps.adminToken && deps.agenda) {
    mountAdmin(app, { token: deps.adminToken, agenda: deps.agenda, https: deps.https ?? false });
  }

  for (const mount of deps.mount ?? []) mount(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(errorHandler);
  return app;
}

/** helmet-style headers for a JSON-only API: nothing here is ever meant to be framed or rendered. */
function securityHeaders(https: boolean): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
    next();
  };
}

const LOOPBACK_IP = /^(127\.|::1$|::ffff:127\.)/;

/**
 * Who may see operational details (`/metrics`, the details of `/ready`): with ADMIN_TOKEN its Bearer holder,
 * without it loopback clients only. Behind a reverse proxy on this host the forwarded client address counts
 * (`trust proxy` is loopback), so a public request through the proxy is not taken for a local one.
 */
function operatorCheck(adminToken: string | undefined): (req: Request) => boolean {
  if (!adminToken) return (req) => LOOPBACK_IP.test(req.ip ?? '');
  const matches = secretMatcher(adminToken);
  return (req) => matches(bearer(req.get('authorization')));
}

/** `/ready` for anyone: each check's status, no error texts, token expiry or store names. */
function statusesOnly(report: ReadinessReport): Pick<ReadinessReport, 'status'> & {
  checks: Record<string, { status: CheckResult['status'] }>;
} {
  const checks = Object.fromEntries(
    Object.entries(report.checks).map(([name, check]) => [name, { status: check.status }]),
  );
  return { status: report.status, checks };
}

/**
 * Per-IP request budget on everything but /health and authenticated webhooks. Loopback is exempt (local
 * proxies and benchmarks); behind a reverse proxy on this host the client's own address counts (`trust proxy`
 * is loopback). Exemptions are decided before the limiter, not in its `skip`: it reaches `skip` only after its
 * own asynchronous steps, which every request would pay.
 */
function publicRateLimit(
  perMinute: number,
  authenticated: ReadonlyArray<(req: Request) => boolean>,
): RequestHandler {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'rate_limited', reason: 'too many requests, slow down' });
    },
  });
  return (req, res, next) => {
    const exempt =
      req.path === '/health' ||
      authenticated.some((isAuthenticated) => isAuthenticated(req)) ||
      LOOPBACK_IP.test(req.ip ?? '');
    if (exempt) next();
    else void limiter(req, res, next);
  };
}

function requestContext(deps: HttpAppDeps): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = deps.logger.child({ reqId: requestId });
    res.setHeader('x-request-id', requestId);
    const stop = deps.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern, not the raw path: webhook secrets must not become label values.
      const route =
        (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : 'other');
      const labels = { method: req.method, route };
      stop(labels);
      deps.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    });
    next();
  };
}

/** Body-parser failures become 4xx with a reason; everything else a bare 500 (details only in the log). */
const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  const log = res.locals.log;
  if (status >= 500) log?.error({ err }, 'request failed');
  else log?.info({ status, type: err?.type }, 'request rejected');
  if (res.headersSent) return;
  const reasons: Record<string, string> = {
    'entity.too.large': 'body_too_large',
    'entity.parse.failed': 'invalid_json',
    'encoding.unsupported': 'unsupported_encoding',
    'charset.unsupported': 'unsupported_charset',
  };
  res.status(status).json({
    error: status >= 500 ? 'internal_error' : (reasons[err?.type as string] ?? 'bad_request'),
    requestId: res.locals.requestId,
  });
};
