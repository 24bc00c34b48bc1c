/**
 * What the core reports for people to read, as typed codes with their data: the texts (`src/texts/`) word
 * them in the reader's language, so no sentence lives in the core and the texts need nothing but these types.
 * The responder's ports, the channels and the model router use them from here.
 */

/** Why a document was refused at ingestion or could not be indexed (`rag/errors.ts`). */
export type IngestFailureReason =
  'empty' | 'unsupported' | 'too_large' | 'corrupt' | 'indexing_failed' | 'gemini_unavailable';

/** The model services that can write answers (`LLM_PROVIDER_NAMES` in config.ts lists them in order). */
export type LlmProvider = 'gemini' | 'openai' | 'anthropic';

/** The channels a buyer can write from. Chat and message ids are unique across channels (see `chatIdOf` in responder/channel.ts). */
export type ChannelId = 'avito' | 'telegram' | 'web';

/**
 * Why a draft did not (fully) reach the buyer, as a typed code with its data. It is kept in `draft.error`
 * as JSON, so the owner's card can word it in the owner's language (`src/texts/`) while the store keeps
 * a plain string field.
 */
export type DeliveryProblem =
  /** The channel refused or could not take the message; `reason` is the technical cause (log and card). */
  | { code: 'send-failed'; reason: string }
  /** A long answer was split and only the first `sent` of `total` parts went out. */
  | { code: 'partly-sent'; sent: number; total: number; reason: string | null }
  /** The send's outcome stayed unknown and the chat did not show it after the retries. */
  | { code: 'unconfirmed'; reason: string | null };

/** Why an action refused its input (`reason: 'invalid'`), for the owner's texts to word. */
export type ActionProblem =
  { code: 'empty-text' } | { code: 'text-too-long'; max: number } | { code: 'not-escalation' };

/** The outside services of the sales pipeline. */
export type IntegrationName = 'amocrm' | 'calendar' | 'yookassa' | 'email';

/** What an integration job was doing, for the owner's alert. */
export type IntegrationOperation =
  | 'sync-deal'
  | 'add-note'
  | 'register-webhook'
  | 'offer-slots'
  | 'book'
  | 'reschedule'
  | 'cancel-booking'
  | 'create-payment'
  | 'check-payment'
  | 'refund'
  | 'send-email'
  | 'message-buyer';

/**
 * An owner alert about a provider the owner must fix: `quota` (credits or quota used up) or `auth` (the
 * key was refused). Part of the responder's `OwnerAlert`; sent once per provider and problem until the
 * provider answers again.
 */
export interface ModelProviderAlert {
  kind: 'model-provider';
  provider: LlmProvider;
  problem: 'quota' | 'auth';
  reason: string;
}

/**
 * A problem the owner must hear about, as a typed code with its data: the bot words it in the owner's
 * language (`src/texts/`), so no owner-facing sentence lives in the core.
 */
export type OwnerAlert =
  /** An Avito event failed after every attempt; it is kept as `failed` in the inbox. */
  | { kind: 'inbound-failed'; attempts: number; reason: string }
  /**
   * No Avito token. `cause` names what the owner can fix: `tariff` (402, a paid tariff is needed),
   * `permission` (403, scope or an employee account), `auth` (client id/secret refused), else `other`.
   */
  | { kind: 'avito-token'; cause: 'tariff' | 'permission' | 'auth' | 'other'; reason: string }
  /** The Avito webhook subscription had disappeared and was made again. */
  | { kind: 'avito-subscription-restored' }
  /** The store refuses writes (disk full, I/O errors): webhooks get 503 and are redelivered, answers wait. */
  | { kind: 'storage-failing'; reason: string }
  /** A model provider's quota or credits ran out, or it refused the key: answers go to the next provider. */
  | ModelProviderAlert
  // ▼ sales-pipeline integrations (src/integrations/): what the owner hears from amoCRM, the calendar, payments, e-mail
  /** An integration call failed for good (refused, or after every retry): kept as a failed job, the work waits. */
  | {
      kind: 'integration-failed';
      integration: IntegrationName;
      operation: IntegrationOperation;
      /** The lead it was for, when there is one. */
      leadId: string | null;
      reason: string;
    }
  /** A buyer booked (or the owner moved or cancelled) a consultation; `start` is RFC 3339 in the seller's zone. */
  | {
      kind: 'consultation';
      change: 'booked' | 'rescheduled' | 'cancelled';
      buyer: string | null;
      start: string;
      listing: string | null;
      leadId: string;
    }
  /** YooKassa: an invoice was paid, its payment canceled, or a refund went through (amounts in kopecks). */
  | {
      kind: 'payment';
      change: 'succeeded' | 'canceled' | 'refunded';
      invoice: string;
      amountKopecks: number;
      buyer: string | null;
      leadId: string;
      /** Why a payment was canceled (YooKassa's `cancellation_details.reason`). */
      cancellation?: string;
    };
// ▲ sales-pipeline integrations
