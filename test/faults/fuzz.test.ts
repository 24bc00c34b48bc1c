import { describe, expect, it } from 'vitest';
import { fuzzWebhooks } from './scenarios.js';

describe('fault suite: fuzzing both webhook routes (service as a child process)', () => {
  it('when 2000 generated bodies hit the Avito and Telegram webhooks, then every answer is 2xx or 4xx and the service stays ready', async () => {
    const result = await fuzzWebhooks({ bodies: 2000, concurrency: 20 });
    expect(result.problems).toEqual([]);
    expect(result.figures.s5xx).toBe(0);
  }, 90_000);
});
