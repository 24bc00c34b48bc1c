import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { DeliveryPressure } from '../../src/avito/delivery-pressure.js';

/** Stands in for an HTTP response: `close()` is the response ending. */
class Response extends EventEmitter {
  close() {
    this.emit('close');
  }
}

describe('DeliveryPressure', () => {
  it('when no delivery is in flight, then processing does not wait', async () => {
    const pressure = new DeliveryPressure();
    const done = new Response();
    pressure.track(done);
    done.close();
    expect(pressure.busy()).toBe(false);
    let resolved = false;
    void pressure.calm().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it('when deliveries are in flight, then processing waits until the last one is answered', async () => {
    const pressure = new DeliveryPressure(10_000);
    const first = new Response();
    const second = new Response();
    pressure.track(first);
    pressure.track(second);
    let resolved = false;
    const calm = pressure.calm().then(() => (resolved = true));
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toBe(false);
    second.close();
    await calm;
    expect(resolved).toBe(true);
  });

  it('when deliveries never stop, then waiting workers trickle through one per trickleMs, oldest first', async () => {
    vi.useFakeTimers();
    try {
      const pressure = new DeliveryPressure(100);
      pressure.track(new Response());
      const order: number[] = [];
      const waits = [1, 2, 3].map((n) => pressure.calm().then(() => order.push(n)));
      await vi.advanceTimersByTimeAsync(99);
      expect(order).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(order).toEqual([1]);
      await vi.advanceTimersByTimeAsync(100);
      expect(order).toEqual([1, 2]);
      await vi.advanceTimersByTimeAsync(100);
      await Promise.all(waits);
      expect(order).toEqual([1, 2, 3]);
      expect(pressure.busy()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when the last delivery is answered mid-trickle, then the rest go on at once', async () => {
    const pressure = new DeliveryPressure(10_000);
    const delivery = new Response();
    pressure.track(delivery);
    const waits = [1, 2, 3].map(() => pressure.calm());
    delivery.close();
    await Promise.all(waits);
  });

  it('when a storm passes with nothing in flight, then the waiting workers all go on', async () => {
    vi.useFakeTimers();
    try {
      const pressure = new DeliveryPressure(100);
      for (let i = 0; i < 400; i++) {
        const delivery = new Response();
        pressure.track(delivery);
        delivery.close();
      }
      expect(pressure.storm()).toBe(true);
      let released = 0;
      const waits = Array.from({ length: 30 }, () => pressure.calm().then(() => (released += 1)));
      await vi.advanceTimersByTimeAsync(500);
      expect(released).toBe(5); // trickling while the storm lasts
      await vi.advanceTimersByTimeAsync(700); // the storm is over by the clock; no delivery closes to say so
      await Promise.all(waits);
      expect(released).toBe(30);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when a delivery is in flight without a storm, then answers go on at once; in a storm they trickle', async () => {
    vi.useFakeTimers();
    try {
      const pressure = new DeliveryPressure(100);
      pressure.track(new Response());
      let answered = false;
      await pressure.outOfStorm().then(() => (answered = true));
      expect(answered).toBe(true);
      for (let i = 0; i < 400; i++) pressure.track(new Response());
      answered = false;
      const waiting = pressure.outOfStorm().then(() => (answered = true));
      await vi.advanceTimersByTimeAsync(99);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(answered).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when a burst of 50 deliveries is answered, then it is no storm; 61 in 100 ms are one, 400 within a second too', () => {
    let now = 10_000;
    const pressure = new DeliveryPressure(200, () => now);
    const answer = (count: number) => {
      for (let i = 0; i < count; i++) {
        const response = new Response();
        pressure.track(response);
        response.close();
      }
    };
    answer(50);
    expect(pressure.busy()).toBe(false);
    now += 1000;
    answer(61); // a flood shows in its first 100 ms, and is over 200 ms after it stops
    expect(pressure.storm()).toBe(true);
    now += 200;
    expect(pressure.storm()).toBe(false);
    now += 1000;
    for (let slot = 0; slot < 4; slot++) {
      now += 100;
      answer(100);
    }
    expect(pressure.storm()).toBe(true);
    expect(pressure.busy()).toBe(true);
    now += 500;
    expect(pressure.storm()).toBe(true);
    now += 600;
    expect(pressure.storm()).toBe(false);
  });
});
