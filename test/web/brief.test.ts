import { describe, expect, it } from 'vitest';
import { parseBrief } from '../../src/web/brief.js';

describe('widget brief', () => {
  it('when the brief is parsed, then every bad field is named, and a good one keeps a clean name', () => {
    expect(parseBrief({ name: '', contact: 'x', consent: false })).toEqual({
      ok: false,
      fields: ['name', 'contact', 'consent'],
    });
    expect(parseBrief({ name: 'Анна', contact: '89123456789', consent: false })).toEqual({
      ok: false,
      fields: ['consent'],
    });
    expect(parseBrief({ name: 'я'.repeat(101), contact: '89123456789', consent: true })).toEqual({
      ok: false,
      fields: ['name'],
    });
    expect(
      parseBrief({ name: '  Анна\u200b \n Петрова\u0007 ', contact: '89123456789', consent: true }),
    ).toEqual({
      ok: true,
      brief: { name: 'Анна Петрова', contact: { phone: '+79123456789' } },
    });
  });
});
