import type { Locale } from '../texts/index.js';
import { AppError } from '../errors.js';
import type { LlmProvider, ModelFailureKind } from './models/port.js';

/** Why a document was refused or could not be indexed. */
export type IngestFailureReason =
  'empty' | 'unsupported' | 'too_large' | 'corrupt' | 'indexing_failed' | 'gemini_unavailable';

const MESSAGES: Record<IngestFailureReason, { ru: string; en: string }> = {
  empty: {
    ru: 'В файле нет текста: пустой файл или скан без текстового слоя.',
    en: 'The file has no text: it is empty or a scan without a text layer.',
  },
  unsupported: {
    ru: 'Такой тип файла не поддерживается. Подходят PDF, DOCX, XLSX, TXT, MD, HTML, CSV.',
    en: 'This file type is not supported. Use PDF, DOCX, XLSX, TXT, MD, HTML or CSV.',
  },
  too_large: {
    ru: 'Файл слишком большой.',
    en: 'The file is too large.',
  },
  corrupt: {
    ru: 'Файл повреждён или не читается.',
    en: 'The file is damaged or cannot be read.',
  },
  indexing_failed: {
    ru: 'Gemini не смог проиндексировать документ.',
    en: 'Gemini could not index the document.',
  },
  gemini_unavailable: {
    ru: 'Gemini сейчас недоступен, документ не загружен. Попробуйте позже.',
    en: 'Gemini is unavailable right now; the document was not uploaded. Try again later.',
  },
};

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
    const texts = MESSAGES[reason];
    const suffix = detail ? ` (${detail})` : '';
    super(`ingest_${reason}`, `${texts.en}${suffix}`, { ...options, httpStatus: 422 });
    this.name = 'IngestError';
    this.messageRu = `${texts.ru}${suffix}`;
    this.messageEn = `${texts.en}${suffix}`;
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
