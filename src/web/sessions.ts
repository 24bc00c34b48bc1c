import { randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { KvRepository } from '../store/port.js';

/** Where the signing secret lives: generated once, shared by every process of the service. */
export const SESSION_SECRET_KEY = 'web:session-secret';
const ISSUER = 'avito-responder';
const AUDIENCE = 'widget';
const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export interface SessionDeps {
  kv: KvRepository;
  /** How long a token is valid after its last use. */
  ttlDays: number;
  now: () => Date;
}

/** The outcome of reading a visitor's token: their session, or a new one when the token was absent or bad. */
export interface OpenedSession {
  sessionId: string;
  /** A token valid for the whole TTL from now (renewal on use). */
  token: string;
  fresh: boolean;
  /** Why the given token was not accepted (for the log): `expired`, `invalid`. Absent for a good or no token. */
  rejected?: 'expired' | 'invalid';
}

/**
 * The widget's visitor sessions: a signed token (JWT, HS256) that names the session and expires
 * `ttlDays` after it was issued. Every use issues a fresh one, so an active visitor keeps their
 * conversation; a bad or expired token quietly starts a new session (the widget never shows an error page).
 */
export class WidgetSessions {
  private secret: Promise<Uint8Array> | undefined;

  constructor(private readonly deps: SessionDeps) {}

  /** Validates `token` and renews it; without a valid one, starts a new session. */
  async open(token: string | undefined): Promise<OpenedSession> {
    if (token) {
      const verified = await this.verify(token);
      if (typeof verified === 'string') {
        return { sessionId: verified, token: await this.issue(verified), fresh: false };
      }
      const sessionId = newSessionId();
      return { sessionId, token: await this.issue(sessionId), fresh: true, rejected: verified.rejected };
    }
    const sessionId = newSessionId();
    return { sessionId, token: await this.issue(sessionId), fresh: true };
  }

  /** A token for `sessionId`, valid `ttlDays` from now. */
  async issue(sessionId: string): Promise<string> {
    const now = Math.floor(this.deps.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sessionId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.deps.ttlDays * 86_400)
      .sign(await this.key());
  }

  /** The session id the token names, or why it is not accepted. */
  async verify(token: string): Promise<string | { rejected: 'expired' | 'invalid' }> {
    try {
      const { payload } = await jwtVerify(token, await this.key(), {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: this.deps.now(),
      });
      return typeof payload.sub === 'string' && SESSION_ID.test(payload.sub)
        ? payload.sub
        : { rejected: 'invalid' };
    } catch (err) {
      return { rejected: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  private key(): Promise<Uint8Array> {
    this.secret ??= loadSecret(this.deps.kv).catch((err: unknown) => {
      // A storage hiccup must not pin a failed promise for the life of the process.
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }
}

/** The HS256 secret from the store, created on first use; two processes racing both end up with the stored one. */
async function loadSecret(kv: KvRepository): Promise<Uint8Array> {
  const existing = await kv.get<string>(SESSION_SECRET_KEY);
  if (typeof existing === 'string') return Buffer.from(existing, 'base64url');
  await kv.setIfAbsent(SESSION_SECRET_KEY, randomBytes(32).toString('base64url'));
  const stored = await kv.get<string>(SESSION_SECRET_KEY);
  if (typeof stored !== 'string') throw new Error('the widget session secret could not be stored');
  return Buffer.from(stored, 'base64url');
}

function newSessionId(): string {
  return randomUUID().replaceAll('-', '');
}
