import { describe, expect, it } from 'vitest';
import { killMidFlight } from './scenarios.js';

describe('fault suite: kill -9 mid-flight (service as a child process)', () => {
  it('when the service is SIGKILLed with 30 chats being answered and sent, then after a restart the work of the dead process resumes within seconds, every message is answered once, nothing lost', async () => {
    const result = await killMidFlight({ chats: 30 });
    expect(result.problems).toEqual([]);
    expect(result.figures.atKillSending).toBeGreaterThan(0);
  }, 120_000);
});
