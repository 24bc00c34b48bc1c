import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlidingWindowLimiter } from '../../src/lib/rate-limiter.js';

describe('SlidingWindowLimiter (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when more calls than the limit start at once, then the extra ones wait for a window after an answer', async () => {
    const limiter = new SlidingWindowLimiter(2, 1000);
    const started: number[] = [];
    const calls = Array.from({ length: 3 }, async () => {
      const release = await limiter.acquire();
      started.push(Date.now());
      return release;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 0]);
    // The answers come 300 ms later: the third call may start a full window after the first answer.
    await vi.advanceTimersByTimeAsync(300);
    const releases = await Promise.all(calls.slice(0, 2));
    releases.forEach((release) => release());
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2);
    expect(started).toEqual([0, 0, 1301]);
  });

  it('when calls are still running, then their slots stay taken however long they take', async () => {
    const limiter = new SlidingWindowLimiter(1, 1000);
    const first = await limiter.acquire();
    let second = false;
    void limiter.acquire().then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(second).toBe(false);
    first();
    await vi.advanceTimersByTimeAsync(1001);
    expect(second).toBe(true);
  });

  it('when run() wraps a call that throws, then its slot is still released', async () => {
    const limiter = new SlidingWindowLimiter(1, 100);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const next = limiter.run(() => Promise.resolve('ok'));
    await vi.advanceTimersByTimeAsync(101);
    await expect(next).resolves.toBe('ok');
  });
});
