import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageOutage } from '../../src/lib/storage-outage.js';
import { createLogger } from '../../src/logger.js';

const diskFull = () =>
  Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13 });

describe('StorageOutage', () => {
  let alerts: string[];
  let resolved: number;
  let probeWorks: boolean;
  let lines: Array<{ level: number; msg: string }>;
  let outage: StorageOutage;

  beforeEach(() => {
    vi.useFakeTimers();
    alerts = [];
    resolved = 0;
    probeWorks = false;
    lines = [];
    let open = false;
    const logger = createLogger({
      level: 'debug',
      destination: {
        write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }),
      },
    });
    outage = new StorageOutage({
      logger,
      // As the OwnerAlerts port promises: once per key until resolved.
      alertOwner: async (cause) => {
        if (open) return;
        open = true;
        alerts.push(`storage: ${cause}`);
      },
      clearAlert: async () => {
        open = false;
        resolved += 1;
      },
      probe: async () => {
        if (!probeWorks) throw diskFull();
      },
      probeDelay: { baseMs: 1000, maxMs: 4000 },
      resolveAfterMs: 60_000,
    });
  });
  afterEach(() => {
    outage.stop();
    vi.useRealTimers();
  });

  it('when writes keep failing for a long time, then the owner is told once and the log has one error, however many failures', async () => {
    for (let i = 0; i < 500; i += 1) {
      outage.report(diskFull(), i % 2 ? 'avito webhook' : 'jobs');
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(outage.active).toBe(true);
    expect(alerts).toEqual(['storage: database or disk is full']);
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
  });

  it('when the storage works again, then the recovery is logged, and the alert is resolved only after it has stayed well, so a new outage is told again', async () => {
    outage.report(diskFull(), 'jobs');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outage.active).toBe(true);
    probeWorks = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(outage.active).toBe(false);
    expect(lines.some((l) => l.msg === 'storage works again')).toBe(true);
    expect(resolved).toBe(0);

    // Full again within the minute: the same alert still stands, nothing new is sent.
    probeWorks = false;
    outage.report(diskFull(), 'jobs');
    probeWorks = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(alerts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(resolved).toBe(1);
    outage.report(diskFull(), 'jobs');
    await vi.advanceTimersByTimeAsync(0);
    expect(alerts).toHaveLength(2);
  });

  it('when failures keep coming in while a probe succeeds, then the outage is not over (a half-full disk takes some writes)', async () => {
    probeWorks = true;
    outage.report(diskFull(), 'jobs');
    for (let i = 0; i < 20; i += 1) {
      await vi.advanceTimersByTimeAsync(500);
      outage.report(diskFull(), 'avito webhook');
    }
    expect(outage.active).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outage.active).toBe(false);
  });
});
