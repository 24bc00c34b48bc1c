import type { IncomingMessage } from 'node:http';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The visitor's address for rate limits. Like Express with `trust proxy: loopback` (see `http/app.ts`): a
 * reverse proxy on this host is trusted to name the client in `X-Forwarded-For`; nobody else is.
 */
export function clientAddress(req: IncomingMessage): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (!forwarded || !LOOPBACK.test(address)) return address;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  while (LOOPBACK.test(address) && hops.length > 0) address = hops.pop()!;
  return address;
}

/** The exact origins allowed to embed the widget. */
export class AllowedOrigins {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map((o) => o.toLowerCase()));
  }

  /** True only for an `Origin` header that is one of the configured origins. */
  allows(origin: string | undefined): origin is string {
    return typeof origin === 'string' && this.origins.has(origin.toLowerCase());
  }
}
