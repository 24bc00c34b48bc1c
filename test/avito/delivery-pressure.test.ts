import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
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

  it('when deliveries never stop, then each wait still ends after maxWaitMs', async () => {
    const pressure = new DeliveryPressure(60);
    pressure.track(new Response());
    const started = Date.now();
    await pressure.calm();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(55);
    expect(waited).toBeLessThan(1000);
    expect(pressure.busy()).toBe(true);
  });

  it('when a burst of 50 deliveries is answered, then it is no storm; 400 within a second are one, for a second', () => {
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
