import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMegabytes, textsFor } from '../../src/texts/index.js';
import type { ActionProblem, DeliveryProblem, OwnerAlert } from '../../src/models/problems.js';

const ru = textsFor('ru');
const en = textsFor('en');

const ALERTS: OwnerAlert[] = [
  { kind: 'inbound-failed', attempts: 6, reason: 'HTTP 500' },
  { kind: 'avito-token', cause: 'tariff', reason: '402' },
  { kind: 'avito-token', cause: 'permission', reason: '403' },
  { kind: 'avito-token', cause: 'auth', reason: '401' },
  { kind: 'avito-token', cause: 'other', reason: 'HTTP 503' },
  { kind: 'avito-subscription-restored' },
  { kind: 'model-provider', provider: 'openai', problem: 'quota', reason: 'You exceeded your current quota' },
  { kind: 'model-provider', provider: 'anthropic', problem: 'auth', reason: 'invalid x-api-key' },
];
const PROBLEMS: DeliveryProblem[] = [
  { code: 'send-failed', reason: 'HTTP 500' },
  { code: 'partly-sent', sent: 2, total: 3, reason: null },
  { code: 'unconfirmed', reason: null },
];
const ACTION_PROBLEMS: ActionProblem[] = [
  { code: 'empty-text' },
  { code: 'text-too-long', max: 3000 },
  { code: 'not-escalation' },
];

/** Cyrillic outside comments, minus proper names the English texts quote as Avito writes them. */
function cyrillicIn(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return (code.match(/[А-Яа-яЁё][^'`"\n]*/g) ?? []).filter((s) => !s.startsWith('Максимальный'));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('owner texts', () => {
  it('when the core reports alerts and problems, then each is worded in both languages, English without Russian', () => {
    const worded = [
      ...ALERTS.map((a) => [
        ru.alert(a, 'reason' in a ? a.reason : ''),
        en.alert(a, 'reason' in a ? a.reason : ''),
      ]),
      // A plain send failure is its technical cause, inside the card's own «не отправлено: …».
      ...PROBLEMS.filter((p) => p.code !== 'send-failed').map((p) => [
        ru.deliveryProblem(p, p.reason ?? ''),
        en.deliveryProblem(p, p.reason ?? ''),
      ]),
      ...ACTION_PROBLEMS.map((p) => [ru.actionProblem(p), en.actionProblem(p)]),
    ];
    for (const [inRussian, inEnglish] of worded) {
      expect(inRussian).toMatch(/[а-яё]/i);
      expect(cyrillicIn(`'${inEnglish!}'`)).toEqual([]);
    }
    expect(ru.deliveryProblem(PROBLEMS[1]!, '')).toContain('2 из 3 частей');
  });

  it('when a provider needs the owner, then the alert says which provider, why and what to do', () => {
    const quota = ru.alert(ALERTS.at(-2)!, 'You exceeded your current quota');
    expect(quota).toContain('OpenAI API');
    expect(quota).toContain('You exceeded your current quota');
    expect(quota).toMatch(/Пополните баланс/);
    const auth = en.alert(ALERTS.at(-1)!, 'invalid x-api-key');
    expect(auth).toContain('Anthropic');
    expect(auth).toContain('ANTHROPIC_API_KEY');
  });

  it('when avito/ and responder/ are read, then no Russian text is left in their code', () => {
    for (const file of [...sourcesUnder('src/avito'), ...sourcesUnder('src/responder')]) {
      expect({ file, russian: cyrillicIn(readFileSync(file, 'utf8')) }).toEqual({ file, russian: [] });
    }
  });

  it('when a size is shown, then Russian uses a decimal comma and English a point', () => {
    expect(formatMegabytes(ru, 30 * 1024 * 1024)).toBe('30,0');
    expect(formatMegabytes(en, 30 * 1024 * 1024)).toBe('30.0');
    expect(formatMegabytes(ru, 1536 * 1024)).toBe('1,5');
  });
});
