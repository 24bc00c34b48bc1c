/**
 * The channel port: how the responder talks to buyers on any channel (Avito Messenger, the website widget, the
 * Telegram buyer bot) without knowing which. Declared here, in the core; each channel adapter implements it
 * and feeds its inbound messages to the responder's {@link InboundPort}. No adapter decides what a message
 * means for the conversation (buyer, our echo, the seller writing from elsewhere): the responder does.
 *
 * An adapter plugs in in two halves, in this order (see `src/service.ts`, and `src/avito/index.ts` for one):
 * 1. its outbound {@link Channel}, built without the responder and registered with it:
 *    `createResponder({ channels: new Map([[channel.id, channel], …]), … })`;
 * 2. its inbound side, started once the responder exists, with `responder.inbound`: every message the channel
 *    sees becomes an {@link InboundEvent} for `inbound.receive(event)`.
 */

import type { ChannelId } from '../models/problems.js';

export type { ChannelId } from '../models/problems.js';

/** What a channel can do; the responder shapes its output to fit (splitting, no files where none are carried). */
export interface ChannelCapabilities {
  /** Longest text of one message, in code points; a longer answer is split into several. */
  maxTextLength: number;
  /** Files (PDFs) can be sent in the chat; otherwise the buyer gets a download link. */
  attachments: boolean;
  /** The channel shows a typing indicator while a draft is prepared. */
  typing: boolean;
  /** Our own sends come back as inbound events ("echoes") that must be recognised as ours. */
  echoesOwnMessages: boolean;
  /** The seller can also write in this channel outside our service (the Avito app): such a message pauses the AI. */
  sellerWritesOutside: boolean;
}

/**
 * The outcome of a send. `partial`: a split text whose first parts went out before a definite failure (sending
 * the whole text again would repeat them). `unknown`: the connection broke after a request went out; the
 * responder settles it later with {@link Channel.recentOutgoing}, never by sending blindly again.
 */
export type SendOutcome =
  | { kind: 'sent'; messageIds: string[] }
  | { kind: 'partial'; messageIds: string[]; totalParts: number; error: ChannelError }
  | { kind: 'unknown'; messageIds: string[]; error: ChannelError }
  | { kind: 'failed'; error: ChannelError };

/** Why a channel call failed, in the terms the retry logic and the owner need. */
export interface ChannelError {
  /** Worth trying again later (rate limit, 5xx, network, timeout, an expiring token). */
  transient: boolean;
  /** A short machine-readable kind (`rate_limited`, `server`, `auth`, `not_found`, …) for metrics and logs. */
  kind: string;
  message: string;
}

/** A message of ours as the channel shows it, for settling a send whose outcome was unknown. */
export interface OutgoingMessage {
  id: string;
  text: string | null;
  at: Date;
}

/**
 * One channel's outbound side, as the responder uses it: an adapter builds it first (it needs no responder), the
 * responder is built with it, and only then does the adapter start its inbound side (see {@link InboundPort}).
 * Every method may be called again after a crash: keep them idempotent.
 */
export interface Channel {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /**
   * Sends a text into a conversation, split with `splitText(text, capabilities.maxTextLength)` (lib/split-text.ts)
   * so that echoes and reconciliation recognise the parts. Never throws for channel errors: they are outcomes.
   */
  send(chatId: string, text: string): Promise<SendOutcome>;
  /** Marks the buyer's messages read, where the channel has that notion (a no-op elsewhere). */
  markRead(chatId: string): Promise<void>;
  /** Our recent messages in the conversation, newest last (for reconciling an unknown send). */
  recentOutgoing(chatId: string, limit: number): Promise<OutgoingMessage[]>;
  /** Shows or clears a typing indicator (when `capabilities.typing`). */
  typing?(chatId: string, on: boolean): Promise<void>;
}

/**
 * The channels the responder can reach, by id (a `Map<ChannelId, Channel>` fits). A channel that is not
 * configured is absent: a draft for one of its chats fails with a reason the owner sees.
 */
export interface ChannelRegistry {
  get(id: ChannelId): Channel | undefined;
}

/**
 * What a channel adapter knows about the buyer and the listing when a message arrives. Every field is optional:
 * what is given is merged into the chat, what is absent leaves the chat as it is.
 */
export interface InboundContext {
  buyer?: { id: string | null; name: string | null; contact?: { phone?: string; email?: string } };
  /**
   * The listing the conversation is about (Avito item, a deep-link `start=<listing>`, a widget page). Without a
   * `title` only the item id is known (the facts the buyer and the model see come with a later message).
   */
  listing?: { itemId: string | null; title?: string; price?: string | null; url?: string | null };
}

/**
 * The kind of a message. The common kinds are named; a channel may pass its own name for another kind (Avito's
 * `item`, `call`, `deleted`…): it is stored as it is and the owner's card words it.
 */
export type InboundMessageType =
  'text' | 'system' | 'image' | 'voice' | 'file' | 'location' | 'link' | 'other' | (string & {});

/**
 * One message seen by a channel, as a fact: who the channel says wrote it (`direction`), when it arrived, its
 * content. The responder decides what it means (a buyer's question, our own echo, the seller writing outside).
 */
export interface InboundEvent {
  channel: ChannelId;
  /** Our chat id for the conversation (namespaced per channel, see {@link chatIdOf}). */
  chatId: string;
  /** Unique across channels. */
  messageId: string;
  /** `in`: from the buyer; `out`: from the seller's side of the conversation (ours or the seller's own). */
  direction: 'in' | 'out';
  /** `system` messages (Avito's service notices) are stored and never answered. */
  type: InboundMessageType;
  text: string | null;
  /** The channel's own content object for non-text types (kept for the owner's card). */
  content: Record<string, unknown> | null;
  /** When the channel says the message was written. Never used to decide what is answered (arrival order is). */
  at: Date;
  context?: InboundContext;
}

/**
 * What the responder made of an inbound event: a buyer's message (answered, or forwarded to the owner while a
 * human has the chat), a system notice (kept as context), our own message coming back (`own-echo`), the seller
 * writing outside our service (`seller-outside`: the AI pauses), or nothing new (`already-processed`).
 */
export type InboundOutcome = 'buyer' | 'system' | 'own-echo' | 'seller-outside' | 'already-processed';

/**
 * The responder's inbound side: every channel adapter hands its messages here, once its outbound {@link Channel}
 * is registered with the responder. Idempotent per `messageId`: an adapter that is not sure whether an event got
 * through (a crash, a retry) hands it over again, and whatever was left undone is done once.
 */
export interface InboundPort {
  receive(event: InboundEvent): Promise<InboundOutcome>;
}

/**
 * Chat ids are unique across channels: Avito's own ids (`u2i-…`) stay as they are (existing data keeps working);
 * the other channels are prefixed (`tg:<telegram chat id>`, `web:<session id>`).
 */
export function chatIdOf(channel: ChannelId, nativeId: string): string {
  return channel === 'avito' ? nativeId : `${channel === 'telegram' ? 'tg' : 'web'}:${nativeId}`;
}

/** The channel a chat id belongs to (see {@link chatIdOf}). */
export function channelOf(chatId: string): ChannelId {
  if (chatId.startsWith('tg:')) return 'telegram';
  if (chatId.startsWith('web:')) return 'web';
  return 'avito';
}
