import { describe, expect, it } from 'vitest';
import { WindowLimit } from '../../src/web/rate-limit.js';

describe('WindowLimit', () => {
  it('when a key uses its budget, then it waits for the oldest hit to leave the window; other keys are free', () => {
    let now = 1_000_000;
    const limit = new WindowLimit(2, 60_000, () => now);
    expect(limit.take('a')).toEqual({ ok: true });
    now += 10_000;
    expect(limit.take('a')).toEqual({ ok: true });
    expect(limit.take('a')).toEqual({ ok: false, retryAfterMs: 50_000 });
    expect(limit.take('b')).toEqual({ ok: true });
    now += 50_000;
    expect(limit.take('a')).toEqual({ ok: true });
    expect(limit.take('a')).toEqual({ ok: false, retryAfterMs: 10_000 });
  });

  it('when a refused hit is retried at once, then it is not counted (a client hammering stays limited, not locked out)', () => {
    let now = 0;
    const limit = new WindowLimit(1, 1000, () => now);
    limit.take('a');
    for (let i = 0; i < 10; i++) expect(limit.take('a').ok).toBe(false);
    now = 1001;
    expect(limit.take('a').ok).toBe(true);
  });
});
