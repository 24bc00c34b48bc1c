import { describe, expect, it } from 'vitest';
import { DeliveryPressure } from '../../src/avito/delivery-pressure.js';

describe('DeliveryPressure', () => {
  it('when deliveries come at a seller’s pace, then processing never waits', async () => {
    let now = 0;
    const pressure = new DeliveryPressure(() => now);
    for (let i = 0; i < 100; i++) {
      now += 100;
      pressure.delivered();
      expect(pressure.busy()).toBe(false);
    }
    const started = Date.now();
    await pressure.calm();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('when 20 deliveries arrive within 100 ms, then it is a storm until they stop for two windows', () => {
    let now = 1_000;
    const pressure = new DeliveryPressure(() => now);
    for (let i = 0; i < 19; i++) pressure.delivered();
    expect(pressure.busy()).toBe(false);
    pressure.delivered();
    expect(pressure.busy()).toBe(true);
    now += 150;
    expect(pressure.busy()).toBe(true);
    now += 100;
    expect(pressure.busy()).toBe(false);
  });

  it('when a storm does not end, then each wait still ends after maxWaitMs', async () => {
    const pressure = new DeliveryPressure(Date.now, 60);
    for (let i = 0; i < 30; i++) pressure.delivered();
    const keepBusy = setInterval(() => {
      for (let i = 0; i < 30; i++) pressure.delivered();
    }, 5);
    try {
      const started = Date.now();
      await pressure.calm();
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(55);
      expect(waited).toBeLessThan(1000);
    } finally {
      clearInterval(keepBusy);
    }
  });
});
