/**
 * The bot's link to Telegram: connecting with logged retries (the service serves Avito webhooks meanwhile),
 * and the health `/ready` reports — the last `getMe`, refreshed periodically, never a call per probe.
 */
import { GrammyError, HttpError } from 'grammy';
import type { CheckResult } from '../http/readiness.js';
import { describeError } from '../errors.js';
import { backoffDelay, sleep } from '../lib/retry.js';
import type { Logger } from '../logger.js';

export interface ConnectionOptions {
  /** One connection attempt: getMe, commands, webhook or polling. Should honour `signal`. */
  connect(signal: AbortSignal): Promise<void>;
  /** A cheap liveness call (getMe). */
  probe(signal: AbortSignal): Promise<void>;
  logger: Logger;
  /** The variable holding the bot's token, named when Telegram refuses it. */
  tokenVariable?: string;
  /** First retry delay; doubles up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often a connected bot checks Telegram again. */
  refreshMs?: number;
  /** Per-probe timeout. */
  probeTimeoutMs?: number;
}

type State =
  | { kind: 'connecting'; attempts: number; lastError?: string; refused?: boolean }
  | { kind: 'ok'; checkedAt: Date }
  | { kind: 'unreachable'; checkedAt: Date; lastError: string }
  | { kind: 'stopped' };

/** A 401/404 on getMe: the token itself is refused, which waiting does not fix. */
const tokenRefused = (error: unknown) =>
  error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);

/**
 * What went wrong, in one line without the request URL (it carries the bot token): grammY's network error
 * plus the system code under it (`ECONNREFUSED`, `ETIMEDOUT`…), or the Bot API's own answer.
 */
export function telegramProblem(error: unknown): string {
  if (error instanceof HttpError) {
    const inner = error.error as { code?: unknown; cause?: { code?: unknown } } | undefined;
    const code = inner?.code ?? inner?.cause?.code;
    return `${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  if (error instanceof GrammyError) return `${error.error_code}: ${error.description}`;
  return describeError(error);
}

export class TelegramConnection {
  private state: State = { kind: 'connecting', attempts: 0 };
  private readonly abort = new AbortController();
  private refresher: NodeJS.Timeout | undefined;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly refreshMs: number;
  private readonly probeTimeoutMs: number;

  constructor(private readonly options: ConnectionOptions) {
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.refreshMs = options.refreshMs ?? 60_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
  }

  /**
   * Tries to connect until it works or {@link stop} is called, logging every failure with the next delay.
   * Resolves once connected (or stopped); never rejects.
   */
  async start(): Promise<void> {
    const { logger } = this.options;
    for (let attempt = 1; !this.abort.signal.aborted; attempt += 1) {
      try {
        await this.options.connect(this.abort.signal);
        if (this.abort.signal.aborted) return;
        this.state = { kind: 'ok', checkedAt: new Date() };
        if (attempt > 1) logger.info({ attempts: attempt }, 'telegram connected');
        this.refresher = setInterval(() => void this.refresh(), this.refreshMs);
        this.refresher.unref();
        return;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        const retryInMs = backoffDelay(attempt, this.baseDelayMs, this.maxDelayMs);
        const problem = telegramProblem(error);
        const refused = tokenRefused(error);
        this.state = { kind: 'connecting', attempts: attempt, lastError: problem, refused };
        const fields = { problem, attempt, retryInMs };
        if (refused)
          logger.error(
            fields,
            `telegram refused ${this.options.tokenVariable ?? 'TELEGRAM_BOT_TOKEN'} (check the token from @BotFather); retrying`,
          );
        else logger.warn(fields, 'telegram unreachable; retrying');
        try {
          await sleep(retryInMs, this.abort.signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Checks Telegram once more (getMe) and keeps the result for {@link check}. */
  async refresh(): Promise<void> {
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.probeTimeoutMs)]);
    try {
      await this.options.probe(signal);
      if (this.state.kind === 'unreachable') this.options.logger.info('telegram reachable again');
      this.state = { kind: 'ok', checkedAt: new Date() };
    } catch (error) {
      if (this.abort.signal.aborted) return;
      const problem = telegramProblem(error);
      if (this.state.kind === 'ok') this.options.logger.warn({ problem }, 'telegram unreachable');
      this.state = { kind: 'unreachable', checkedAt: new Date(), lastError: problem };
    }
  }

  /**
   * For `/ready`: `ok` after a successful getMe; `degraded` while connecting or unreachable (buyers' messages
   * are still taken and stored; cards wait); `fail` when Telegram refuses the token.
   */
  check(): CheckResult {
    const s = this.state;
    switch (s.kind) {
      case 'ok':
        return { status: 'ok', checkedAt: s.checkedAt.toISOString() };
      case 'unreachable':
        return { status: 'degraded', detail: s.lastError, checkedAt: s.checkedAt.toISOString() };
      case 'connecting':
        return {
          status: s.refused ? 'fail' : 'degraded',
          detail: s.lastError ? `connecting: ${s.lastError}` : 'connecting',
          attempts: s.attempts,
        };
      case 'stopped':
        return { status: 'degraded', detail: 'stopped' };
    }
  }

  /** Stops connecting (aborting a call in flight) and refreshing. Safe to call twice. */
  stop(): void {
    this.state = { kind: 'stopped' };
    this.abort.abort(new Error('telegram connection stopped'));
    clearInterval(this.refresher);
  }
}

/** A bot's life as the service sees it: connect once (in the background), its health, stop once. */
export interface BotLifecycle {
  start(): Promise<void>;
  check(): CheckResult;
  stop(): Promise<void>;
}

/**
 * What the owner bot and the buyer bot share around their {@link TelegramConnection}: `start` connects once
 * however often it is called, `stop` ends the connection attempts and then `stopUpdates` (no more updates
 * accepted, polling stopped), once.
 */
export function botLifecycle(connection: TelegramConnection, stopUpdates: () => Promise<void>): BotLifecycle {
  let connecting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  return {
    start: () => (connecting ??= connection.start()),
    check: () => connection.check(),
    stop: () =>
      (stopping ??= (async () => {
        connection.stop();
        await stopUpdates();
      })()),
  };
}
