import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffDelay } from './retry.js';

export interface StorageOutageDeps {
  logger: Logger;
  /**
   * Tells the owner the storage is failing (`cause`: the first error, in one line), once until {@link clearAlert}:
   * the OwnerAlerts port under {@link STORAGE_ALERT_KEY}.
   */
  alertOwner(cause: string): Promise<void>;
  /** The storage has stayed well: the next outage is told again. */
  clearAlert(): Promise<void>;
  /** A small write that succeeds once the storage works again. */
  probe(): Promise<void>;
  /** First and longest wait between probes. Default 1 s and 30 s. */
  probeDelay?: { baseMs: number; maxMs: number };
  /** How long the storage must stay well before the owner's alert is resolved. Default 10 minutes. */
  resolveAfterMs?: number;
}

/** Where a write that failed on the storage is reported (a {@link StorageOutage}). */
export interface StorageFailureReporter {
  report(err: unknown, where: string): void;
}

/** The key of the owner's alert about the storage. */
export const STORAGE_ALERT_KEY = 'storage';

/**
 * One storage outage at a time (a full disk, an I/O error, a database locked or out of reach), reported from
 * wherever a write failed. The first report logs an error and tells the owner; the rest are counted (debug) so
 * that a disk full for an hour is one error line and one message, not a line per webhook and per job. Meanwhile
 * a probe write retries with a growing delay; the outage ends when a probe succeeds and no failure came in since
 * the previous one (a half-full disk takes some writes and fails others): the recovery is logged with its count.
 * The owner's alert is resolved once the storage has stayed well a while, so a disk that fills up again within
 * minutes is one message, and an outage days later is told again.
 */
export class StorageOutage implements StorageFailureReporter {
  #since: number | null = null;
  #failures = 0;
  #probes = 0;
  #failedSinceProbe = false;
  #timer: NodeJS.Timeout | undefined;
  #resolveTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly deps: StorageOutageDeps) {}

  /** Whether the storage is failing now. */
  get active(): boolean {
    return this.#since !== null;
  }

  /** Reports a write that failed on the storage (`where`: what was being written). */
  report(err: unknown, where: string): void {
    this.#failures += 1;
    this.#failedSinceProbe = true;
    if (this.#since !== null) {
      this.deps.logger.debug(
        { where, err: describeError(err), failures: this.#failures },
        'storage still failing',
      );
      return;
    }
    this.#since = Date.now();
    this.#probes = 0;
    clearTimeout(this.#resolveTimer);
    this.deps.logger.error({ err, where }, 'storage failing: writes are refused until it recovers');
    const cause = describeError(err);
    Promise.resolve()
      .then(() => this.deps.alertOwner(cause))
      .catch((alertErr: unknown) => {
        this.deps.logger.warn({ err: alertErr }, 'could not tell the owner about the storage');
      });
    this.#scheduleProbe();
  }

  /** Stops probing (shutdown). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resolveTimer);
  }

  #scheduleProbe(): void {
    if (this.#stopped) return;
    this.#probes += 1;
    const { baseMs, maxMs } = this.deps.probeDelay ?? { baseMs: 1000, maxMs: 30_000 };
    this.#failedSinceProbe = false;
    this.#timer = setTimeout(() => void this.#probe(), backoffDelay(this.#probes, baseMs, maxMs));
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    let ok = !this.#failedSinceProbe;
    if (ok) {
      try {
        await this.deps.probe();
      } catch {
        ok = false;
      }
    }
    if (!ok || this.#failedSinceProbe) {
      this.#scheduleProbe();
      return;
    }
    const outageMs = Date.now() - (this.#since ?? Date.now());
    this.deps.logger.info({ failures: this.#failures, outageMs }, 'storage works again');
    this.#since = null;
    this.#failures = 0;
    this.#resolveTimer = setTimeout(
      () => {
        this.deps.clearAlert().catch(() => {});
      },
      this.deps.resolveAfterMs ?? 10 * 60_000,
    );
    this.#resolveTimer.unref();
  }
}
