import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSalesCallback, type SalesCallback, salesCallback } from '../../src/bot/sales-callbacks.js';

const LEAD = '0d1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';

describe('the lead card’s 📅 and 💳 callback data', () => {
  it('when a booking or payment button is encoded, then it parses back to the same action within 64 bytes', () => {
    const cases: SalesCallback[] = [
      { kind: 'booking', action: 'offer', leadId: LEAD },
      { kind: 'booking', action: 'move', leadId: LEAD },
      { kind: 'booking', action: 'ask', leadId: LEAD },
      { kind: 'booking', action: 'to', minute: 29_400_000, leadId: LEAD },
      { kind: 'booking', action: 'cancel', minute: 29_400_060, leadId: LEAD },
      { kind: 'payment', action: 'link', doc: 3, leadId: LEAD },
      { kind: 'payment', action: 'ask', doc: 0, leadId: LEAD },
      { kind: 'payment', action: 'some', doc: 1, leadId: LEAD },
      { kind: 'payment', action: 'refund', doc: 12, kopecks: 5_490_000, leadId: LEAD },
    ];
    for (const data of cases) {
      const encoded = salesCallback(data);
      expect(Buffer.byteLength(encoded)).toBeLessThanOrEqual(64);
      expect(parseSalesCallback(encoded)).toEqual(data);
    }
  });

  it('when any refund amount up to the largest safe kopecks is encoded, then it round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(999), (kopecks, doc) => {
        const data: SalesCallback = { kind: 'payment', action: 'refund', doc, kopecks, leadId: LEAD };
        expect(parseSalesCallback(salesCallback(data))).toEqual(data);
      }),
    );
  });

  it('when the data is forged or malformed, then it is not ours (null)', () => {
    for (const data of [
      `b:x:${LEAD}`,
      `b:t:soon:${LEAD}`,
      `b:c:0:${LEAD}`,
      `b:t:123`,
      `b:o:${LEAD}:extra`,
      `b:o:lead/../x`,
      `p:r:1:0:${LEAD}`,
      `p:r:1:-5:${LEAD}`,
      `p:r:1:1.5:${LEAD}`,
      `p:l:1000:${LEAD}`,
      `p:l:${LEAD}`,
      `p:r:1:${'9'.repeat(30)}:${LEAD}`,
    ])
      expect(parseSalesCallback(data), data).toBeNull();
  });
});
