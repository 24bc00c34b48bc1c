import { describe, expect, it } from 'vitest';
import { storeUnavailable } from './scenarios.js';

describe('fault suite: store unavailable (service as a child process)', () => {
  it('when another connection holds an exclusive lock on the SQLite file, then webhooks get 503 and the redeliveries are stored and answered once', async () => {
    const result = await storeUnavailable({ events: 3 });
    expect(result.problems).toEqual([]);
    expect(result.figures.while503).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
