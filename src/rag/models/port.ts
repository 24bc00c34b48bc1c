import type { LlmProvider } from '../../config.js';
import type { ModelProviderAlert } from '../../models/problems.js';
import type { DocumentOrigin } from '../../models/records.js';

export type { LlmProvider } from '../../config.js';
export type { ModelProviderAlert } from '../../models/problems.js';

/** One turn of the chat as every provider takes it: the buyer is `user`, the seller's side `assistant`. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** A retrieval stage of the cascade: this listing's documents, then general documents. */
export type RetrievalStage = { strategy: 'item'; itemId: string } | { strategy: 'general' };

/** A passage a model was given (or retrieved itself), mapped back to our documents. */
export interface GivenPassage {
  docId: string | null;
  title: string;
  itemId: string | null;
  scope: 'general' | 'item' | null;
  /** `listing`: the item document made from the listing's own facts; null when unknown. */
  origin: DocumentOrigin | null;
  text: string;
}

/**
 * An answer wanted as one JSON object of this JSON Schema (a subset every provider understands: object,
 * array, string with enum, number; every property listed in `required`). Asked at temperature 0: it is
 * extraction, not prose. Gemini enforces the schema; the others are told it (see `jsonInstruction`), so the
 * caller validates the answer either way.
 */
export interface JsonAnswer {
  /** What the object is, in a word (`brief`): OpenAI-style schema name. */
  name: string;
  schema: Record<string, unknown>;
}

/** One request to one model of one provider. */
export interface ModelCall {
  model: string;
  /**
   * The system instruction; a provider without File Search gets the passages inside it (see
   * `buildSystemInstruction`), a File Search provider retrieves them itself for `stage`.
   */
  system: string;
  turns: ChatTurn[];
  /** Null: no retrieval, the model answers from `system` and `turns` alone (File Search is not used). */
  stage: RetrievalStage | null;
  /** Set when the answer must be a JSON object (then `ModelOutput.text` is its JSON text). */
  json?: JsonAnswer;
  /** Aborts on the per-call timeout. */
  signal: AbortSignal;
}

/** What a model answered. */
export interface ModelOutput {
  text: string;
  /**
   * The passages the answer rests on: those we gave, or those File Search retrieved (empty when it found
   * nothing, which ends the stage without an answer).
   */
  passages: GivenPassage[];
  /** Indices into `passages` the model's grounding cites; empty when it reports none. */
  cited: number[];
  /** Why generation stopped, in the provider's words (`stop`, `end_turn`, `STOP`, `length`…). */
  finishReason: string | undefined;
}

/**
 * Why a model call failed, as retries, fallback and the owner care:
 * - `rate_limited`, `unavailable` (5xx, 409, network), `timeout`: worth a retry, then the next model;
 * - `not_found` (unknown model): the next model at once;
 * - `quota` (out of credits or daily quota), `auth` (key refused): the next provider, and the owner is told;
 * - `rejected` (400, 413, 422): our request is wrong; nothing else is tried.
 * `quota_per_day` is Gemini's per-day quota, a `quota` that resets tomorrow.
 */
export type ModelFailureKind =
  'rate_limited' | 'unavailable' | 'timeout' | 'not_found' | 'quota' | 'quota_per_day' | 'auth' | 'rejected';

/** One failed call, classified by its adapter. */
export interface ModelFailure {
  kind: ModelFailureKind;
  /** HTTP status when the server answered. */
  status: number | undefined;
  /** The server's requested delay (Retry-After, RetryInfo), in ms. */
  retryAfterMs: number | undefined;
  message: string;
}

/** Whether the owner must act (buy credits, fix a key): these end the provider's turn and alert. */
export const needsOwner = (kind: ModelFailureKind): boolean =>
  kind === 'quota' || kind === 'quota_per_day' || kind === 'auth';

/** Worth the same model again after a pause. */
export const isRetryable = (kind: ModelFailureKind): boolean =>
  kind === 'rate_limited' || kind === 'unavailable' || kind === 'timeout';

/**
 * A model service as the router uses it. Adapters make one request per `generate` (no retries of their
 * own: the router retries, falls back and keeps the circuit breaker) and classify their SDK's errors.
 */
export interface ModelAdapter {
  readonly provider: LlmProvider;
  /** The configured model first, then its fallbacks. */
  readonly models: readonly string[];
  /**
   * True when the provider retrieves from its own store (Gemini File Search): it is given the stage,
   * not passages. Otherwise the router gives it the local index's passages and skips it when none.
   */
  readonly retrievesItself: boolean;
  generate(call: ModelCall, passages: readonly GivenPassage[]): Promise<ModelOutput>;
  classify(err: unknown): ModelFailure;
  /** Told about every outcome (Gemini's `/ready` status). */
  readonly health?: { succeeded(): void; failed(kind: ModelFailureKind, message: string): void };
}

/** Turns texts into vectors (OpenAI-compatible `/embeddings`, Gemini `embedContent`). */
export interface Embedder {
  /** Provider and model, stored with each vector (`openai:text-embedding-3-small`). */
  readonly id: string;
  /** One vector per text, in order; one request for all (callers batch). */
  embed(
    texts: readonly string[],
    purpose: 'document' | 'query',
    signal?: AbortSignal,
  ): Promise<Float32Array[]>;
}

/** The part of the owner-alerts port the router uses. */
export interface ModelAlerts {
  alert(key: string, alert: ModelProviderAlert): Promise<void>;
  resolve(key: string): Promise<void>;
}
