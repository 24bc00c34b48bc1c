import { Errors, type TgError } from './errors.js';
import { ALL_UPDATE_TYPES, DEFAULT_ALLOWED_UPDATES, type TgUpdate } from './types.js';

/** How the simulator redelivers webhook updates (Telegram's real schedule is unpublished; tests shrink it). */
export interface WebhookRetryOptions {
  /** Abort a delivery that got no answer within this time (counts as a failure). Default 10 000. */
  timeoutMs: number;
  /** First redelivery delay; doubles per attempt up to `maxDelayMs`. Default 1 000. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up (drop the update) after this many failed attempts. Default 10. */
  maxAttempts: number;
}

/** One webhook POST the simulator made, for tests to inspect. */
export interface WebhookDelivery {
  update_id: number;
  attempt: number;
  time: number;
  url: string;
  headers: Record<string, string>;
  /** HTTP status of the bot's answer; undefined when the connection failed or timed out. */
  status?: number;
  error?: string;
  ok: boolean;
}

interface Queued {
  update: TgUpdate;
  kind: string;
  /** Updates with the same key are delivered to a webhook in order, one at a time (per chat). */
  key: string;
  attempts: number;
  nextAttemptAt: number;
  inFlight: boolean;
}

interface Webhook {
  url: string;
  secret?: string;
  maxConnections: number;
  ipAddress?: string;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface PendingPoll {
  offset: number;
  limit: number;
  resolve: (updates: TgUpdate[]) => void;
  reject: (error: TgError) => void;
  timer: NodeJS.Timeout;
}

/** What getWebhookInfo returns. */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  max_connections?: number;
  ip_address?: string;
  last_error_date?: number;
  last_error_message?: string;
  allowed_updates?: string[];
}

/**
 * The bot's update queue with both delivery modes: long polling (getUpdates, offset confirmation,
 * one live poll at a time) and webhook (POST per update, secret header, redelivery with backoff).
 */
export class UpdateHub {
  private queue: Queued[] = [];
  private nextId: number;
  private allowed: Set<string> = new Set(DEFAULT_ALLOWED_UPDATES);
  private customAllowed = false;
  private webhook: Webhook | undefined;
  private generation = 0;
  private poll: PendingPoll | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    firstUpdateId: number,
    private readonly retry: WebhookRetryOptions,
    private readonly now: () => number,
    /** Runs a method sent back in a webhook response body (Telegram's "webhook reply"). */
    private readonly onWebhookReply: (body: Record<string, unknown>) => Promise<void>,
  ) {
    this.nextId = firstUpdateId;
  }

  /** Queues an update unless `allowed_updates` filters its kind out (then it is lost, as on Telegram). */
  push(kind: string, payload: Omit<TgUpdate, 'update_id'>, key: string): TgUpdate | undefined {
    if (!this.allowed.has(kind)) return undefined;
    const update = { update_id: this.nextId++, ...payload } as TgUpdate;
    this.queue.push({ update, kind, key, attempts: 0, nextAttemptAt: 0, inFlight: false });
    if (this.webhook) this.pump();
    else this.wake();
    return update;
  }

  /** Updates not yet confirmed (polling) or not yet delivered (webhook). */
  pending(): TgUpdate[] {
    return this.queue.map((q) => q.update);
  }

  get webhookUrl(): string | undefined {
    return this.webhook?.url;
  }

  /** Applies an `allowed_updates` parameter: absent keeps the setting, `[]` or only unknown kinds reset it. */
  setAllowed(list: string[] | undefined): void {
    if (list === undefined) return;
    const known = list.map((s) => s.toLowerCase()).filter((s) => ALL_UPDATE_TYPES.includes(s));
    this.customAllowed = known.length > 0;
    this.allowed = new Set(known.length > 0 ? known : DEFAULT_ALLOWED_UPDATES);
  }

  /**
   * getUpdates: confirms everything below `offset`, answers at once when updates are there, else waits up
   * to `timeout` seconds. A new waiting poll ends the previous one with 409 (the real server's behaviour).
   */
  getUpdates(
    params: { offset?: number; limit?: number; timeout?: number; allowed_updates?: string[] },
    signal: AbortSignal,
  ): Promise<TgUpdate[]> {
    if (this.webhook) return Promise.reject(Errors.webhookActive());
    this.setAllowed(params.allowed_updates);
    const limit = Math.min(100, Math.max(1, params.limit ?? 100));
    const timeout = Math.max(0, params.timeout ?? 0);
    const offset = this.confirm(params.offset ?? 0);
    const ready = this.take(offset, limit);
    if (ready.length > 0 || timeout === 0) return Promise.resolve(ready);

    this.abortPoll(Errors.pollConflict());
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const poll: PendingPoll = {
        offset,
        limit,
        timer: setTimeout(() => poll.resolve(this.take(offset, limit)), timeout * 1000),
        resolve: (updates) => {
          if (finish()) resolve(updates);
        },
        reject: (error) => {
          if (finish()) reject(error);
        },
      };
      const finish = (): boolean => {
        if (this.poll !== poll) return false;
        clearTimeout(poll.timer);
        this.poll = undefined;
        return true;
      };
      this.poll = poll;
      signal.addEventListener('abort', () => finish(), { once: true });
    });
  }

  private confirm(offset: number): number {
    const head = this.queue[0]?.update.update_id ?? this.nextId;
    let from = offset;
    if (from < 0) from += this.nextId;
    if (from < head) from = head;
    if (offset !== 0) this.queue = this.queue.filter((q) => q.update.update_id >= from);
    return from;
  }

  private take(offset: number, limit: number): TgUpdate[] {
    return this.queue
      .filter((q) => q.update.update_id >= offset)
      .slice(0, limit)
      .map((q) => structuredClone(q.update));
  }

  private abortPoll(error: TgError): void {
    this.poll?.reject(error);
  }

  private wake(): void {
    if (!this.poll || this.wakeTimer) return;
    // Like the real server, wait a moment so a burst of updates comes back in one answer.
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      const poll = this.poll;
      if (!poll) return;
      const updates = this.take(poll.offset, poll.limit);
      if (updates.length > 0) poll.resolve(updates);
    }, 5);
  }

  /** setWebhook: an empty url deletes it. Returns the description Telegram adds to `true`. */
  setWebhook(params: {
    url: string;
    secret_token?: string;
    max_connections?: number;
    ip_address?: string;
    allowed_updates?: string[];
    drop_pending_updates?: boolean;
  }): string {
    if (params.url === '') return this.deleteWebhook(params.drop_pending_updates ?? false);
    if (params.drop_pending_updates) this.queue = [];
    const same =
      this.webhook?.url === params.url &&
      this.webhook.secret === params.secret_token &&
      params.allowed_updates === undefined;
    this.setAllowed(params.allowed_updates);
    this.abortPoll(Errors.pollTerminatedByWebhook());
    this.generation++;
    this.webhook = {
      url: params.url,
      maxConnections: params.max_connections ?? 40,
      ...(params.secret_token !== undefined ? { secret: params.secret_token } : {}),
      ...(params.ip_address !== undefined ? { ipAddress: params.ip_address } : {}),
    };
    for (const q of this.queue) q.nextAttemptAt = 0;
    this.pump();
    return same ? 'Webhook is already set' : 'Webhook was set';
  }

  deleteWebhook(dropPending: boolean): string {
    if (dropPending) this.queue = [];
    const had = this.webhook !== undefined;
    this.webhook = undefined;
    this.generation++;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    return had ? 'Webhook was deleted' : 'Webhook is already deleted';
  }

  webhookInfo(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
    };
    if (this.webhook) {
      info.max_connections = this.webhook.maxConnections;
      if (this.webhook.ipAddress) info.ip_address = this.webhook.ipAddress;
      if (this.webhook.lastErrorDate !== undefined) {
        info.last_error_date = this.webhook.lastErrorDate;
        info.last_error_message = this.webhook.lastErrorMessage ?? '';
      }
      if (this.customAllowed) info.allowed_updates = [...this.allowed];
    }
    return info;
  }

  /** Starts every delivery that may run now and schedules the next retry. */
  private pump(): void {
    if (this.closed || !this.webhook) return;
    const webhook = this.webhook;
    const now = this.now();
    const busyKeys = new Set<string>();
    let inFlight = this.queue.filter((q) => q.inFlight).length;
    let nextAt = Number.POSITIVE_INFINITY;
    for (const q of this.queue) {
      if (busyKeys.has(q.key)) continue;
      busyKeys.add(q.key);
      if (q.inFlight) continue;
      if (q.nextAttemptAt > now) {
        nextAt = Math.min(nextAt, q.nextAttemptAt);
        continue;
      }
      if (inFlight >= webhook.maxConnections) break;
      inFlight++;
      void this.deliver(q, webhook);
    }
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (Number.isFinite(nextAt)) {
      this.pumpTimer = setTimeout(() => this.pump(), Math.max(0, nextAt - now));
    }
  }

  private async deliver(q: Queued, webhook: Webhook): Promise<void> {
    q.inFlight = true;
    q.attempts++;
    const generation = this.generation;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (webhook.secret !== undefined) headers['x-telegram-bot-api-secret-token'] = webhook.secret;
    const record: WebhookDelivery = {
      update_id: q.update.update_id,
      attempt: q.attempts,
      time: this.now(),
      url: webhook.url,
      headers,
      ok: false,
    };
    this.deliveries.push(record);
    let error: string | undefined;
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(q.update),
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      record.status = res.status;
      const body = await res.text().catch(() => '');
      if (res.ok) {
        record.ok = true;
        await this.runWebhookReply(body);
      } else {
        error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
      }
    } catch (e) {
      error = describeFetchError(e);
    }
    q.inFlight = false;
    if (this.closed) return;
    if (record.ok) {
      this.queue = this.queue.filter((x) => x !== q);
    } else {
      record.error = error;
      if (generation === this.generation && this.webhook) {
        this.webhook.lastErrorDate = Math.floor(this.now() / 1000);
        this.webhook.lastErrorMessage = error;
      }
      if (q.attempts >= this.retry.maxAttempts) {
        this.queue = this.queue.filter((x) => x !== q);
      } else {
        const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (q.attempts - 1));
        q.nextAttemptAt = this.now() + delay;
      }
    }
    this.pump();
  }

  private async runWebhookReply(body: string): Promise<void> {
    if (!body) return;
    try {
      const parsed: unknown = JSON.parse(body);
      if (
        parsed &&
        typeof parsed === 'object' &&
        typeof (parsed as { method?: unknown }).method === 'string'
      ) {
        await this.onWebhookReply(parsed as Record<string, unknown>);
      }
    } catch {
      // Telegram ignores a body it cannot use.
    }
  }

  close(): void {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.poll?.resolve([]);
  }
}

function describeFetchError(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'Read timeout expired';
    const code = (e.cause as { code?: string } | undefined)?.code;
    if (code === 'ECONNREFUSED') return 'Connection refused';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'Connection reset by peer';
    return e.message;
  }
  return String(e);
}
