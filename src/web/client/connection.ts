import type { ClientFrame, ServerFrame } from '../protocol.js';

/** Close codes from `protocol.ts` (repeated: the browser bundle imports types only). */
const CLOSE_REPLACED = 4409;
const MAX_BACKOFF_MS = 30_000;

export type ConnectionState = 'connecting' | 'open' | 'offline';

/**
 * The widget's WebSocket: reconnects with exponential backoff (with jitter, so a restarted service is not
 * hit by every visitor at the same instant), at once when the browser comes back online or the tab is shown.
 * `onOpen` says hello again after every reconnect; the server then sends what was missed.
 */
export class Connection {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by the server's `retryAfterMs` (too many connections): the next wait is at least this. */
  private notBefore = 0;
  private wanted = false;

  constructor(
    private readonly url: string,
    private readonly handlers: {
      onOpen(): void;
      onFrame(frame: ServerFrame): void;
      onState(state: ConnectionState): void;
    },
  ) {
    addEventListener('online', () => this.now());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.now();
    });
  }

  /** Connects (or keeps connected) from now on. */
  start(): void {
    this.wanted = true;
    this.connect();
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(frame: ClientFrame): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** The server asked to wait before the next attempt. */
  backOff(ms: number): void {
    this.notBefore = Date.now() + ms;
  }

  /** Reconnects without waiting for the backoff (the visitor is here again). */
  now(): void {
    if (!this.wanted || this.ws || Date.now() < this.notBefore) return;
    clearTimeout(this.timer);
    this.connect();
  }

  private connect(): void {
    if (this.ws) return;
    this.handlers.onState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.handlers.onState('open');
      this.handlers.onOpen();
    };
    ws.onmessage = (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof frame.t === 'string') this.handlers.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.handlers.onState('offline');
      // Replaced by a newer tab of the same visitor: come back only when the visitor uses this one.
      if (event.code !== CLOSE_REPLACED) this.retry();
    };
  }

  private retry(): void {
    clearTimeout(this.timer);
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 10);
    const wait = Math.max(backoff, this.notBefore - Date.now());
    this.timer = setTimeout(() => this.connect(), wait);
  }
}
