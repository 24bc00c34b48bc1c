import type { IngestFailureReason } from '../models/problems.js';
import { type Locale, textsFor } from '../texts/index.js';
import { AppError } from '../errors.js';
import type { LlmProvider, ModelFailureKind } from './models/port.js';

export type { IngestFailureReason } from '../models/problems.js';

/**
 * A document refused at ingestion, with a machine `reason` and texts for the owner in both languages.
 * `detail` (file name, limit, parser message) is appended to both.
 */
export class IngestError extends AppError {
  readonly messageRu: string;
  readonly messageEn: string;

  constructor(
    readonly reason: IngestFailureReason,
    readonly detail?: string,
    options: { cause?: unknown } = {},
  ) {
    const suffix = detail ? ` (${detail})` : '';
    const en = `${textsFor('en').ingestFailure[reason]}${suffix}`;
    super(`ingest_${reason}`, en, { ...options, httpStatus: 422 });
    this.name = 'IngestError';
    this.messageRu = `${textsFor('ru').ingestFailure[reason]}${suffix}`;
    this.messageEn = en;
  }

  /** The owner-facing text in the bot's language. */
  localized(locale: Locale): string {
    return locale === 'ru' ? this.messageRu : this.messageEn;
  }
}

/** What went wrong talking to Gemini, as far as retries and the owner care. */
export type GeminiFailureKind = 'quota_per_day' | 'rate_limited' | 'unavailable' | 'timeout' | 'rejected';

/**
 * Gemini failed after our retries and model fallbacks. `quota_per_day` means stop until the quota
 * resets (tell the owner); `rejected` is a 4xx that retrying cannot fix (bad key, bad request).
 */
export class GeminiError extends AppError {
  constructor(
    readonly kind: GeminiFailureKind,
    message: string,
    readonly status: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(`gemini_${kind}`, message, { ...options, httpStatus: 503 });
    this.name = 'GeminiError';
  }
}

/**
 * The upload was accepted but is still indexing at the polling deadline. The document stays
 * `indexing` and the next ingestion of the same content resumes polling the same operation.
 */
export class UploadStillIndexing extends IngestError {
  constructor(
    readonly operation: string,
    seconds: number,
  ) {
    super('indexing_failed', `still indexing after ${seconds} s; send it again later to finish`);
    this.name = 'UploadStillIndexing';
  }
}

/**
 * No model could answer: every provider failed after its retries and model fallbacks, was paused by its
 * circuit breaker, or refused the request. `message` says which and why, for the owner's card.
 */
export class ModelUnavailableError extends AppError {
  constructor(
    readonly kind: ModelFailureKind,
    message: string,
    readonly provider: LlmProvider | null,
    options: { cause?: unknown } = {},
  ) {
    super(`model_${kind}`, message, { ...options, httpStatus: 503 });
    this.name = 'ModelUnavailableError';
  }
}
