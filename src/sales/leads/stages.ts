import { CLOSED_LEAD_STAGES, LEAD_STAGES, type LeadStage } from '../../models/records.js';

/**
 * Which stage moves a lead may make: pure, so the store keeps them atomic and these rules decide.
 *
 * - Forward, to any later stage: every milestone is optional for a small seller (not every sale has a
 *   КП, a visit, an invoice), so `new → offer_sent` or `booked → paid` are as expected as one step.
 * - Backward, among open stages: only the owner (a mistaken tap). The system never moves a lead back:
 *   a late event (an offer re-sent after the invoice) must not undo progress.
 * - `lost` from any open stage, by anyone, with a reason.
 * - Reopening a lost lead (to an open stage, by default the one it was lost from): only the owner.
 * - `won` is final.
 */

/** Who moves: the owner (from Telegram), or the system (events from documents, payments, buyers). */
export type MoveActor = 'owner' | 'system';

export type MoveRefusal =
  /** The lead is already there. */
  | 'same_stage'
  /** Won is final; a lost lead only reopens to an open stage. */
  | 'closed'
  /** The system never moves a lead back. */
  | 'backward'
  /** `lost` needs a reason. */
  | 'reason_required'
  /** Reopening a lost lead is the owner's decision. */
  | 'owner_only';

/** The part of a lead the rules look at. */
export interface StageState {
  stage: LeadStage;
  lostReason: string | null;
  lostFrom: LeadStage | null;
}

export interface StageMove {
  to: LeadStage;
  by: MoveActor;
  /** Required when `to` is `lost`. */
  reason?: string | null;
}

/** A move as the audit trail records it. */
export interface StageChange {
  from: LeadStage;
  to: LeadStage;
}

export const MAX_LOST_REASON = 500;

export const isOpenStage = (stage: LeadStage): boolean => !CLOSED_LEAD_STAGES.includes(stage);
const rank = (stage: LeadStage) => LEAD_STAGES.indexOf(stage);

/** Whether `move` is allowed from `state`, and why not. */
export function checkMove(
  state: StageState,
  move: StageMove,
): { ok: true } | { ok: false; refusal: MoveRefusal } {
  const { stage } = state;
  const { to, by } = move;
  if (to === stage) return { ok: false, refusal: 'same_stage' };
  if (stage === 'won') return { ok: false, refusal: 'closed' };
  if (stage === 'lost') {
    if (!isOpenStage(to)) return { ok: false, refusal: 'closed' };
    return by === 'owner' ? { ok: true } : { ok: false, refusal: 'owner_only' };
  }
  if (to === 'lost') {
    const reason = move.reason?.trim() ?? '';
    return reason === '' ? { ok: false, refusal: 'reason_required' } : { ok: true };
  }
  if (rank(to) > rank(stage)) return { ok: true };
  return by === 'owner' ? { ok: true } : { ok: false, refusal: 'backward' };
}

/** The reason as stored: trimmed, at most {@link MAX_LOST_REASON} characters. */
export const lostReasonOf = (reason: string): string => reason.trim().slice(0, MAX_LOST_REASON);

/** `state` after `move`; throws when {@link checkMove} refuses it. */
export function applyMove(state: StageState, move: StageMove): StageState {
  const check = checkMove(state, move);
  if (!check.ok) throw new Error(`stage move ${state.stage} → ${move.to} refused: ${check.refusal}`);
  if (move.to === 'lost')
    return { stage: 'lost', lostReason: lostReasonOf(move.reason ?? ''), lostFrom: state.stage };
  return { stage: move.to, lostReason: null, lostFrom: null };
}

/** A state the rules can produce: `lost` with its reason and an open stage it left; nothing else carries either. */
export function isLegalState(state: StageState): boolean {
  if (state.stage === 'lost') {
    return (
      typeof state.lostReason === 'string' &&
      state.lostReason.trim() !== '' &&
      state.lostFrom !== null &&
      isOpenStage(state.lostFrom)
    );
  }
  return state.lostReason === null && state.lostFrom === null;
}

/** The stages `by` may move a lead to from `state` (the buttons of a lead card); `lost` needs a reason. */
export function movesFrom(state: StageState, by: MoveActor): LeadStage[] {
  return LEAD_STAGES.filter((to) => checkMove(state, { to, by, reason: 'x' }).ok);
}

/**
 * Replays a lead's stage changes, oldest first, from `new`: the stage they lead to. Throws when a change
 * does not start where the previous one ended (a gap or a reordering in the trail).
 */
export function replayStages(changes: readonly StageChange[], initial: LeadStage = 'new'): LeadStage {
  let stage = initial;
  for (const [i, change] of changes.entries()) {
    if (change.from !== stage)
      throw new Error(`stage change ${i} starts at ${change.from}, but the lead was at ${stage}`);
    stage = change.to;
  }
  return stage;
}
