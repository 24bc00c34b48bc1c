/**
 * What the service counts about its own work (webhooks, drafts, sends, model calls, tokens), as a port:
 * avito, rag and the responder report events here; `src/http/metrics.ts` implements it with prom-client
 * and serves it on `/metrics`. The core never imports http: it gets an implementation from the
 * composition root, or {@link NO_METRICS}.
 */
import type { DraftKind } from './models/records.js';

/** What became of one Avito webhook delivery. */
export type WebhookOutcome =
  /** Stored and queued (200). */
  | 'accepted'
  /** A redelivery of an event we have (200, dropped). */
  | 'duplicate'
  /** Avito's empty `{}` subscription check (200). */
  | 'probe'
  /** Malformed: not JSON, wrong content type, invalid payload (4xx). */
  | 'rejected'
  /** The event could not be stored or queued: Avito is asked to retry (503). */
  | 'unavailable'
  /** The path's secret is not ours (404). */
  | 'wrong_secret';

/** States a draft ends in (a retried draft may reach one more than once). */
export type FinalDraftState = 'sent' | 'dismissed' | 'superseded' | 'failed';

export interface DomainMetrics {
  webhookDelivery(outcome: WebhookOutcome): void;
  /** A draft was made: what was decided (answer, fallback, escalation, the owner's reply) and whether grounded. */
  draftCreated(draft: { kind: DraftKind; grounded: boolean }): void;
  /** A draft was approved for sending, automatically or by the owner. */
  draftApproved(by: 'auto' | 'owner'): void;
  draftFinished(state: FinalDraftState): void;
  /** An escalation to the owner, by its reason code (`src/rag/escalation.ts`). */
  escalation(reason: string): void;
  /** A send to the buyer failed; `kind` is the error kind (`rate_limited`, `server`, `unknown_outcome`…). */
  sendFailed(kind: string): void;
  /** One model request: the model, `ok` or the failure kind, and how long it took. */
  modelCall(model: string, outcome: string, seconds: number): void;
  /** One request for an Avito access token. */
  tokenRefresh(outcome: 'ok' | 'failed'): void;
}

const nothing = () => {};

/** Counts nothing: the default where no registry is wired (tests, scripts). */
export const NO_METRICS: DomainMetrics = {
  webhookDelivery: nothing,
  draftCreated: nothing,
  draftApproved: nothing,
  draftFinished: nothing,
  escalation: nothing,
  sendFailed: nothing,
  modelCall: nothing,
  tokenRefresh: nothing,
};
