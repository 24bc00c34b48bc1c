import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/lib/split-text.js';

describe('splitText', () => {
  it('when text fits, then it is one trimmed part; when empty, none', () => {
    expect(splitText('  Привет  ', 1000)).toEqual(['Привет']);
    expect(splitText('   ', 1000)).toEqual([]);
  });

  it('when there is no sentence end, then it cuts at a space, and never splits an emoji', () => {
    const words = Array.from({ length: 400 }, (_, i) => `слово${i}`).join(' ');
    const parts = splitText(words, 100);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(100);
    expect(parts.join(' ')).toBe(words);
    const emoji = '😀'.repeat(250);
    const cut = splitText(emoji, 100);
    expect(cut.join('')).toBe(emoji);
    for (const p of cut) expect([...p].length).toBeLessThanOrEqual(100);
  });
});
