import { describe, expect, it } from 'vitest';
import { dependencyFaults } from './scenarios.js';

describe('fault suite: Avito, Telegram and Gemini failing (service as a child process)', () => {
  it('when the dependencies answer 500/429/503, time out, and the Avito token endpoint is down for a while, then every chat is answered once after recovery and the owner is alerted once', async () => {
    const result = await dependencyFaults({ chats: 20, burst: 3, sendTimeouts: 1, outageMs: 4000 });
    expect(result.problems).toEqual([]);
    expect(result.figures.ownerAlerts).toBe(1);
  }, 120_000);
});
