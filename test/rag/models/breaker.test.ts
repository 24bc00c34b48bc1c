import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/rag/models/breaker.js';

describe('circuit breaker', () => {
  const make = () => {
    let now = 1000;
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 500 }, () => now);
    return { breaker, advance: (ms: number) => (now += ms) };
  };

  it('when failures reach the threshold, then calls are refused until the cool-down ends', () => {
    const { breaker, advance } = make();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    advance(499);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('when the cool-down ends, then exactly one probe passes; its success closes, its failure reopens', () => {
    const { breaker, advance } = make();
    breaker.failed(true);
    advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.failed();
    expect(breaker.state).toBe('open');
    advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('when a probe ends without telling anything (our bad request), then the next call probes again', () => {
    const { breaker, advance } = make();
    breaker.failed(true);
    advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.released();
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('when a failure comes between successes, then the count starts over', () => {
    const { breaker } = make();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state).toBe('closed');
  });
});
