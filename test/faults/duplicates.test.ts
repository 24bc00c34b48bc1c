import { describe, expect, it } from 'vitest';
import { duplicatesAndOrder } from './scenarios.js';

describe('fault suite: duplicate and out-of-order webhooks (service as a child process)', () => {
  it('when 200 deliveries (30 % duplicates and redeliveries) arrive shuffled over 30 chats, then each message is stored once and answered exactly once', async () => {
    const result = await duplicatesAndOrder({ events: 200, chats: 30 });
    expect(result.problems).toEqual([]);
    expect(result.figures.storedBuyerMessages).toBe(result.figures.distinct);
  }, 120_000);
});
