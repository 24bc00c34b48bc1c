import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePoints, cutText } from '../../src/bot/html.js';

describe('cutText', () => {
  it('when a text is cut with the «…» marker, then it ends with one «…», not «… …»', () => {
    expect(cutText('Очень длинное название объявления', 12, '…')).toBe('Очень длинн…');
    expect(cutText('Слово… и ещё много слов', 7, '…')).toBe('Слово…');
  });

  it('when any text is cut with any marker, then it fits, keeps its start, and never shows two «…» in a row', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('…', '(обрезано)', '(cut)', ''),
        fc.integer({ min: 12, max: 60 }),
        (text, marker, max) => {
          const cut = cutText(text, max, marker);
          expect(codePoints(cut)).toBeLessThanOrEqual(max);
          if (codePoints(text) <= max) {
            expect(cut).toBe(text);
            return;
          }
          expect(cut.replace(/\s+/gu, '')).not.toMatch(/……/u);
          expect(cut.endsWith(marker || '…')).toBe(true);
          const kept = cut.slice(0, cut.lastIndexOf('…'));
          expect(text.startsWith(kept)).toBe(true);
        },
      ),
    );
  });
});
