import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEAD_STAGES, type LeadStage } from '../../../src/models/records.js';
import {
  applyMove,
  checkMove,
  isLegalState,
  isOpenStage,
  movesFrom,
  replayStages,
  type StageChange,
  type StageMove,
  type StageState,
} from '../../../src/sales/leads/stages.js';

const at = (stage: LeadStage, lostFrom: LeadStage | null = null): StageState => ({
  stage,
  lostReason: stage === 'lost' ? 'дорого' : null,
  lostFrom: stage === 'lost' ? (lostFrom ?? 'new') : null,
});

const refusal = (state: StageState, move: StageMove) => {
  const r = checkMove(state, move);
  return r.ok ? 'ok' : r.refusal;
};

describe('stage rules, case by case', () => {
  it.each([
    ['new', 'qualified', 'system'],
    ['new', 'offer_sent', 'system'],
    ['new', 'invoiced', 'owner'],
    ['qualified', 'booked', 'system'],
    ['offer_sent', 'invoiced', 'system'],
    ['booked', 'paid', 'system'],
    ['invoiced', 'paid', 'system'],
    ['paid', 'won', 'owner'],
    ['new', 'won', 'owner'],
  ] as const)('when a lead at %s moves forward to %s (%s), then it is allowed', (from, to, by) => {
    expect(refusal(at(from), { to, by })).toBe('ok');
  });

  it('when the owner steps a lead back, then it is a correction; the system may not', () => {
    expect(refusal(at('invoiced'), { to: 'offer_sent', by: 'owner' })).toBe('ok');
    expect(refusal(at('invoiced'), { to: 'offer_sent', by: 'system' })).toBe('backward');
  });

  it('when a lead is lost, then a reason is required from any open stage', () => {
    for (const stage of LEAD_STAGES.filter(isOpenStage)) {
      expect(refusal(at(stage), { to: 'lost', by: 'owner' })).toBe('reason_required');
      expect(refusal(at(stage), { to: 'lost', by: 'owner', reason: '   ' })).toBe('reason_required');
      expect(refusal(at(stage), { to: 'lost', by: 'system', reason: 'не отвечает 30 дней' })).toBe('ok');
    }
    expect(applyMove(at('booked'), { to: 'lost', by: 'owner', reason: '  купил у другого ' })).toEqual({
      stage: 'lost',
      lostReason: 'купил у другого',
      lostFrom: 'booked',
    });
  });

  it('when a lost lead is reopened, then only the owner may, to an open stage', () => {
    const lost = at('lost', 'offer_sent');
    expect(refusal(lost, { to: 'offer_sent', by: 'owner' })).toBe('ok');
    expect(refusal(lost, { to: 'offer_sent', by: 'system' })).toBe('owner_only');
    expect(refusal(lost, { to: 'won', by: 'owner' })).toBe('closed');
    expect(applyMove(lost, { to: 'offer_sent', by: 'owner' })).toEqual(at('offer_sent'));
  });

  it('when a lead is won, then nothing moves it; a move to where it is is no move', () => {
    for (const to of LEAD_STAGES)
      expect(checkMove(at('won'), { to, by: 'owner', reason: 'x' }).ok).toBe(false);
    expect(refusal(at('qualified'), { to: 'qualified', by: 'owner' })).toBe('same_stage');
    expect(() => applyMove(at('won'), { to: 'new', by: 'owner' })).toThrow(/refused: closed/);
  });

  it('when the card asks which moves the owner has, then they are exactly the allowed ones', () => {
    expect(movesFrom(at('offer_sent'), 'system')).toEqual(['booked', 'invoiced', 'paid', 'won', 'lost']);
    expect(movesFrom(at('offer_sent'), 'owner')).toEqual([
      'new',
      'qualified',
      'booked',
      'invoiced',
      'paid',
      'won',
      'lost',
    ]);
    expect(movesFrom(at('won'), 'owner')).toEqual([]);
  });

  it('when a trail has a gap, then replaying it fails', () => {
    expect(replayStages([{ from: 'new', to: 'qualified' }])).toBe('qualified');
    expect(() =>
      replayStages([
        { from: 'new', to: 'qualified' },
        { from: 'offer_sent', to: 'won' },
      ]),
    ).toThrow(/starts at offer_sent/);
  });
});

const moveArb: fc.Arbitrary<StageMove> = fc.record({
  to: fc.constantFrom(...LEAD_STAGES),
  by: fc.constantFrom('owner' as const, 'system' as const),
  reason: fc.option(fc.constantFrom('', ' ', 'дорого', 'не отвечает'), { nil: undefined }),
});

describe('stage rules, any sequence of moves', () => {
  it('property: applying the allowed moves never leaves a legal state, and the trail replays to the stage', () => {
    fc.assert(
      fc.property(fc.array(moveArb, { maxLength: 60 }), (moves) => {
        let state = at('new');
        const trail: StageChange[] = [];
        for (const move of moves) {
          const check = checkMove(state, move);
          if (!check.ok) {
            expect(() => applyMove(state, move)).toThrow();
            continue;
          }
          const next = applyMove(state, move);
          expect(isLegalState(next)).toBe(true);
          // The system only ever moves forward, or to lost.
          if (move.by === 'system' && next.stage !== 'lost')
            expect(LEAD_STAGES.indexOf(next.stage)).toBeGreaterThan(LEAD_STAGES.indexOf(state.stage));
          trail.push({ from: state.stage, to: next.stage });
          state = next;
        }
        expect(replayStages(trail)).toBe(state.stage);
      }),
      { numRuns: 500, seed: 18 },
    );
  });

  it('property: once won, no further move is applied', () => {
    fc.assert(
      fc.property(fc.array(moveArb, { maxLength: 20 }), (moves) => {
        for (const move of moves) expect(checkMove(at('won'), move).ok).toBe(false);
      }),
      { numRuns: 200, seed: 19 },
    );
  });
});
