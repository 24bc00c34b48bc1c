import { SimulatorClock } from '../common/clock.js';
import type { PaymentRecord, RefundRecord, YooKassaSimOptions, YooShop } from './types.js';

/** Kopecks → `"1500.00"`. */
export function rub(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `"1500.5"`, `"1500.00"` or 1500.5 → kopecks; undefined when not a decimal with up to 2 places. */
export function kopecksOf(value: string | number): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** A stored first answer to an Idempotence-Key. */
interface KeyRecord {
  bodyHash: string;
  status: number;
  body: unknown;
  /** Epoch ms on the simulator clock. */
  at: number;
}

/** Everything the simulated YooKassa holds, plus its clock and id generator. */
export class YooState extends SimulatorClock {
  readonly shops: YooShop[];
  readonly test: boolean;
  readonly receiptsRequired: boolean;
  readonly vatCodes: number[];
  readonly currencies: string[];
  readonly idempotenceTtlMs: number;
  readonly commissionPercent: number;
  readonly captureMs: number;
  readonly payments = new Map<string, PaymentRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  private readonly keys = new Map<string, KeyRecord>();

  constructor(opts: YooKassaSimOptions) {
    super((opts.seed ?? 1) + 313);
    this.shops = opts.shops ?? [{ shopId: '123456', secretKey: 'test_sim-secret-key' }];
    this.test = opts.test ?? true;
    this.receiptsRequired = opts.receiptsRequired ?? false;
    this.vatCodes = opts.vatCodes ?? [1, 2, 3, 4, 5, 6];
    this.currencies = opts.currencies ?? ['RUB'];
    this.idempotenceTtlMs = opts.idempotenceTtlMs ?? 24 * 3600_000;
    this.commissionPercent = opts.commissionPercent ?? 3.5;
    this.captureMs = (opts.captureDays ?? 7) * 86_400_000;
  }

  /** ISO 8601 UTC with milliseconds, as YooKassa writes times. */
  iso(ms = this.nowMs()): string {
    return new Date(ms).toISOString();
  }

  /** `2c8c1a5a-000f-5000-9000-1a2b3c4d5e6f`: YooKassa ids start with a time-derived word. */
  objectId(): string {
    const head = (Math.floor(this.nowMs() / 1000) & 0xffffffff).toString(16).padStart(8, '0');
    return `${head}-000f-5000-${this.random() < 0.5 ? '8' : '9'}000-${this.randomString(12)}`;
  }

  uuid(): string {
    const h = this.randomString(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** The first answer to this key on this route, while it lives. */
  recall(scope: string): KeyRecord | undefined {
    const record = this.keys.get(scope);
    if (record && record.at + this.idempotenceTtlMs <= this.nowMs()) {
      this.keys.delete(scope);
      return undefined;
    }
    return record;
  }

  remember(scope: string, bodyHash: string, status: number, body: unknown): void {
    this.keys.set(scope, { bodyHash, status, body, at: this.nowMs() });
  }
}
