import { tooManyRequests } from './errors.js';

/**
 * Telegram's flood limits (approximate; Telegram does not publish them). Off unless given; any field left
 * out of a given object uses the commonly cited value.
 */
export interface FloodOptions {
  /** Messages per second into one chat. Default 1. */
  perChatPerSecond?: number;
  /** Messages per minute into one group. Default 20. */
  groupPerMinute?: number;
  /** Messages per second overall. Default 30. */
  globalPerSecond?: number;
}

class Window {
  private readonly times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly ms: number,
  ) {}

  /** Milliseconds until a slot frees, or 0 when one is free now. */
  wait(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.ms) this.times.shift();
    return this.times.length < this.limit ? 0 : this.times[0]! + this.ms - now;
  }

  take(now: number): void {
    this.times.push(now);
  }
}

/** Sliding-window limiter for sending methods; a refused call gets 429 with `retry_after`. */
export class FloodControl {
  private readonly chats = new Map<number, Window>();
  private readonly groups = new Map<number, Window>();
  private readonly global: Window;
  private readonly opts: Required<FloodOptions>;

  constructor(
    options: FloodOptions,
    private readonly now: () => number,
  ) {
    this.opts = { perChatPerSecond: 1, groupPerMinute: 20, globalPerSecond: 30, ...options };
    this.global = new Window(this.opts.globalPerSecond, 1000);
  }

  /** Throws `429 Too Many Requests: retry after N` when sending into `chatId` now would exceed a limit. */
  check(chatId: number, isGroup: boolean): void {
    const now = this.now();
    const chat = this.window(this.chats, chatId, this.opts.perChatPerSecond, 1000);
    const group = isGroup ? this.window(this.groups, chatId, this.opts.groupPerMinute, 60_000) : undefined;
    const wait = Math.max(chat.wait(now), group?.wait(now) ?? 0, this.global.wait(now));
    if (wait > 0) throw tooManyRequests(wait / 1000);
    chat.take(now);
    group?.take(now);
    this.global.take(now);
  }

  private window(map: Map<number, Window>, id: number, limit: number, ms: number): Window {
    let w = map.get(id);
    if (!w) {
      w = new Window(limit, ms);
      map.set(id, w);
    }
    return w;
  }
}
