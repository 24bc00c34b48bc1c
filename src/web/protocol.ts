/**
 * The widget's wire protocol: JSON frames over the WebSocket at `/widget/ws`. The server validates every
 * frame it receives with these schemas; the browser code (`client/`) imports only the types, so none of this
 * reaches `widget.js`.
 */
import { z } from 'zod';

/** Longest visitor message, in code points. */
export const MAX_VISITOR_TEXT = 2000;
/** Longest frame the server reads; a message at the cap fits with room for JSON escaping. */
export const MAX_FRAME_BYTES = 32 * 1024;

export const codePoints = (s: string) => [...s].length;

/** A client-generated message id: the visitor retries with the same one, so a retry is never a second message. */
export const clientMessageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

const listingHint = z.object({
  /** `data-listing`: one of the seller's listing ids (facts are read from the store when known). */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
  /** `data-listing-title`, or the page title. */
  title: z.string().trim().max(200).optional(),
  /** The page the visitor writes from. */
  url: z.string().max(2000).optional(),
});
export type ListingHint = z.infer<typeof listingHint>;

/** The first frame of every connection: who the visitor is (their token, if any) and what they last saw. */
const hello = z.object({
  t: z.literal('hello'),
  token: z.string().max(2000).optional(),
  /** The id of the newest stored message the page has shown; what is newer comes back in `welcome`. */
  lastSeenId: z.string().max(200).optional(),
  listing: listingHint.optional(),
});

/** The brief/contact step: the visitor's name, a phone or an e-mail, and the consent checkbox. */
const brief = z.object({
  t: z.literal('brief'),
  name: z.string().max(500),
  contact: z.string().max(500),
  consent: z.boolean(),
  /** The language the consent text was shown in (recorded with the consent). */
  locale: z.enum(['ru', 'en']).optional(),
});

const message = z.object({
  t: z.literal('msg'),
  id: clientMessageId,
  text: z
    .string()
    .trim()
    .min(1)
    .refine((s) => codePoints(s) <= MAX_VISITOR_TEXT, { error: 'too_long' }),
});

export const clientFrame = z.discriminatedUnion('t', [hello, brief, message]);
export type ClientFrame = z.infer<typeof clientFrame>;

/** A message as the widget shows it. `from`: the visitor, or the seller's side (the AI or the owner). */
export interface WireMessage {
  id: string;
  from: 'visitor' | 'seller';
  text: string;
  /** ISO time. */
  at: string;
}

/** Why a visitor message was refused; the widget says so and offers a retry where one can help. */
export type RefusalReason = 'rate_limited' | 'too_long' | 'brief_required' | 'unavailable' | 'failed';

export type ServerFrame =
  | {
      t: 'welcome';
      /** A fresh token (the session renewed); the widget keeps it for the next visit. */
      token: string;
      /** True when the visitor's token was missing, bad or expired: a new conversation started. */
      fresh: boolean;
      /** Whether the brief/contact step is done; the widget asks for it first otherwise. */
      briefed: boolean;
      name: string | null;
      /** The history (no `lastSeenId`) or what came after `lastSeenId`, oldest first. */
      messages: WireMessage[];
    }
  | { t: 'msg'; message: WireMessage }
  | { t: 'ack'; id: string; message: WireMessage; token: string }
  | { t: 'nack'; id: string; reason: RefusalReason; retryAfterMs?: number }
  | { t: 'typing'; on: boolean }
  | { t: 'brief-ok'; name: string }
  | { t: 'brief-invalid'; fields: Array<'name' | 'contact' | 'consent'> }
  | {
      t: 'error';
      reason: 'bad_frame' | 'hello_required' | 'rate_limited' | 'unavailable';
      retryAfterMs?: number;
    };

/** Close codes the widget reacts to (4000–4999 are the application's). */
export const CLOSE = {
  /** Too many connection attempts from this address: wait `retryAfterMs` (sent in an `error` frame before). */
  rateLimited: 4429,
  /** No `hello` in time. */
  protocol: 4400,
  /** The visitor opened more tabs than are kept live; this, the oldest, stops (it reconnects when used). */
  replaced: 4409,
  /** The service is shutting down; reconnect later. */
  goingAway: 1001,
  /** The session could not be opened (storage failing); reconnect later. */
  internalError: 1011,
} as const;

/** Settings the widget loads before showing its bubble (`GET /widget/settings`). */
export interface WidgetSettings {
  locale: 'ru' | 'en';
  title: string;
  color: string;
  consentText: string;
  privacyPolicyUrl: string | null;
  maxLength: number;
  texts: WidgetTexts;
}

/** The `widget` section of the texts module (`src/texts/`). */
export type WidgetTexts = Record<
  | 'title'
  | 'open'
  | 'close'
  | 'greeting'
  | 'briefIntro'
  | 'nameLabel'
  | 'contactLabel'
  | 'contactHint'
  | 'consent'
  | 'privacyPolicy'
  | 'start'
  | 'placeholder'
  | 'send'
  | 'you'
  | 'seller'
  | 'typing'
  | 'sending'
  | 'failed'
  | 'retry'
  | 'connecting'
  | 'offline'
  | 'rateLimited'
  | 'tooLong'
  | 'serverError'
  | 'unread'
  | 'nameInvalid'
  | 'contactInvalid'
  | 'consentRequired',
  string
>;
