import { describe, expect, it } from 'vitest';
import { diskFull } from './scenarios.js';

describe('fault suite: the disk fills up (service as a child process)', () => {
  it('when the SQLite file cannot grow any more, then webhooks get 503, /health answers, the owner is told once, and after space returns every buyer message is answered exactly once', async () => {
    const result = await diskFull({ chats: 6, outageMs: 6000 });
    expect(result.problems).toEqual([]);
    expect(result.figures.refused503).toBeGreaterThan(0);
    expect(result.figures.ownerStorageAlerts).toBe(1);
  }, 150_000);
});
