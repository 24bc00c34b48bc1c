/**
 * Records and options of the Avito simulator. Field names follow Avito's wire format where a record is
 * rendered as-is (see /work/shared/api/avito.md); everything else is camelCase.
 */
import type { OutgoingDelivery } from '../common/webhook-sender.js';

/** OAuth client the simulator accepts at `POST /token`. */
export interface AvitoClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Listing statuses of `GET /core/v1/items` (`ItemsInfoWithCategoryAvito`). */
export type ListingStatus = 'active' | 'removed' | 'old' | 'blocked' | 'rejected';

/** One of the seller's listings, as the items API and the chat context show it. */
export interface Listing {
  /** Avito item id; real ones exceed 2^31. */
  id: number;
  title: string;
  /** Rubles; `null` = price not given. */
  price: number | null;
  status: ListingStatus;
  url: string;
  address: string;
  category: { id: number; name: string };
  /** Image URLs; the first is the chat context's main image. */
  images: string[];
  /** RFC 3339. */
  startTime: string;
  /** RFC 3339 or null. */
  finishTime: string | null;
}

/** Input of `seedListing`: anything left out gets a plausible default. */
export interface ListingInput {
  id?: number;
  title: string;
  price?: number | null;
  status?: ListingStatus;
  url?: string;
  address?: string;
  category?: { id: number; name: string };
  images?: string[];
  startTime?: string;
  finishTime?: string | null;
}

/** Chat kinds: by listing, user to user, Avito to user. */
export type ChatType = 'u2i' | 'u2u' | 'a2u';

/** Types `GET …/messages/` documents. */
export const LIST_MESSAGE_TYPES = [
  'text',
  'image',
  'link',
  'item',
  'location',
  'call',
  'deleted',
  'voice',
  'system',
] as const;

/** Types a webhook may carry: the list types plus three webhook-only ones. */
export const WEBHOOK_MESSAGE_TYPES = [...LIST_MESSAGE_TYPES, 'appCall', 'file', 'video'] as const;

export type MessageType = (typeof WEBHOOK_MESSAGE_TYPES)[number];

/** `MessageContent`: holds the one key of the message's type (system messages add `flow_id`). */
export interface MessageContent {
  text?: string;
  flow_id?: string;
  image?: { sizes: Record<string, string> };
  link?: { text: string; url: string; preview?: { domain: string; title: string; url: string } | null };
  item?: { title: string; price_string: string | null; item_url: string; image_url: string };
  location?: { kind: 'house' | 'street' | 'area'; lat: number; lon: number; text: string; title: string };
  call?: { status: 'missed'; target_user_id: number };
  voice?: { voice_id: string };
}

/** The other party of a chat. */
export interface Buyer {
  id: number;
  name: string;
}

/** A chat between our account and one buyer (about one listing for `u2i`). */
export interface ChatRecord {
  /** `u2i-…` / `u2u-…` / `a2u-…`. */
  id: string;
  type: ChatType;
  itemId: number | null;
  buyer: Buyer;
  /** Unix seconds. */
  created: number;
  /** Unix seconds of the last message. */
  updated: number;
}

/** One stored message. Direction is derived: `authorId === userId` → "out". */
export interface MessageRecord {
  id: string;
  chatId: string;
  authorId: number;
  /** Unix seconds. */
  created: number;
  type: MessageType;
  content: MessageContent;
  /** Unix seconds when the recipient read it, else null. */
  read: number | null;
  /** How the message came to be: a buyer, our API client, the seller in the Avito app, or an Avito bot. */
  origin: 'buyer' | 'api' | 'app' | 'system';
  /** Arrival order, to break ties between equal `created` seconds. */
  seq: number;
}

/** What the "buyer" received through `POST …/messages` (the messages our service sent). */
export interface SentByApi {
  chatId: string;
  messageId: string;
  text: string;
  created: number;
}

/** The JSON Avito POSTs to a subscribed webhook URL. */
export interface WebhookEnvelope {
  id: string;
  version: string;
  timestamp: number;
  payload: {
    type: 'message';
    value: {
      id: string;
      chat_id: string;
      user_id: number;
      author_id: number;
      created: number;
      published_at: string;
      type: MessageType;
      chat_type: ChatType;
      item_id: number | null;
      read: number | null;
      content: MessageContent;
    };
  };
}

/**
 * One envelope on its way to one subscribed URL, ids `d1`, `d2`… for `redeliver`. `suppressed` = never sent
 * because the account has no Messenger tariff (Avito accepts the subscription but never calls).
 */
export interface WebhookDelivery extends OutgoingDelivery {
  envelope: WebhookEnvelope;
}

/** Avito's own check when subscribing: a POST of `{}` to the URL. */
export interface SubscriptionCheck {
  url: string;
  at: number;
  status?: number;
  error?: string;
}

/** Rate limit of `GET /core/v1/items`. */
export interface ItemsRateLimit {
  /** Requests per rolling minute per token; default 25; 0 disables. */
  perMinute?: number;
  /** Send `Retry-After` on 429 (the spec documents only the X-RateLimit-* headers). Default false. */
  retryAfter?: boolean;
  /** 429 with an empty body (spec: no content) instead of `{code, message}`. Default true. */
  emptyBody?: boolean;
}

/** Retries of failed webhook deliveries (Avito's policy is undocumented). */
export interface WebhookRetryPolicy {
  /** Extra attempts after the first; default 3; 0 = fire once. */
  retries?: number;
  /** Delay before the first retry, doubled each time; default 200 ms. */
  backoffMs?: number;
}

/** Options of `startAvitoSim`. */
export interface AvitoSimOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Accepted OAuth clients; default one `sim-client` / `sim-secret`. */
  clients?: AvitoClientCredentials[];
  /** Our account id; default 3098765432 (above int32 on purpose). */
  userId?: number;
  /** `GET /core/v1/accounts/self` fields. */
  account?: { name?: string; email?: string; phone?: string };
  /** Default 86400 (Avito's 24 h). */
  tokenTtlSeconds?: number;
  /** Status for an expired or unknown token: 403 per Avito's guide (default), 401 per the user spec. */
  expiredTokenStatus?: 401 | 403;
  /** The «Максимальный» tariff; false → messenger reads/sends answer 402 and webhooks never arrive. Default true. */
  tariff?: boolean;
  /** `GET …/messages/` body: a bare array per spec (default) or `{messages: […]}` as some clients read it. */
  messagesShape?: 'array' | 'object';
  /** Webhook POST timeout; Avito's documented 2 s by default. */
  webhookTimeoutMs?: number;
  webhookRetry?: WebhookRetryPolicy;
  /** Envelope `version`; default "v3.0.0" (the spec's example says "v1.1"). */
  webhookVersion?: string;
  /** POST `{}` to a URL when it is subscribed and refuse the subscription if it does not answer 2xx. Default true. */
  subscriptionCheck?: boolean;
  /**
   * When the echo webhook of a message sent through the API goes out: after the send's response (default) or
   * before it (the echo races ahead of the client learning the message id).
   */
  echoTiming?: 'after-response' | 'before-response';
  itemsRateLimit?: ItemsRateLimit;
  /** Statuses whose injected faults carry an HTML page from a "proxy" instead of JSON (e.g. [502]). */
  htmlFaultStatuses?: number[];
  /** Injected 429 faults answer with an empty body. Default false. */
  emptyRateLimitFaultBody?: boolean;
  /** Seed of ids, shuffles and fault fractions, so a run can be repeated. Default 1. */
  seed?: number;
  /** Listings present from the start. */
  listings?: ListingInput[];
  /** Mount `/__sim/*` routes so a human can play the buyer from a shell (used by `main.ts`). Default false. */
  controlRoutes?: boolean;
}
