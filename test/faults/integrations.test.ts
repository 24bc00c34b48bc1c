import { describe, expect, it } from 'vitest';
import { integrationOutages } from './integrations.js';

describe('fault suite: amoCRM, YooKassa and SMTP down while the sales pipeline works', () => {
  it('when leads, offers and invoices arrive during an outage and the services come back losing answers, then every deal, payment and e-mail exists once, every lead is paid, and the owner is not alerted', async () => {
    const result = await integrationOutages({ leads: 3, outageMs: 1500 });
    expect(result.problems).toEqual([]);
    expect(result.figures.deals).toBe(3);
  }, 180_000);
});
