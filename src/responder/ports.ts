import type { CardRef, Chat, Draft, Message, Mode } from '../models/records.js';
import type { ActionProblem, ChannelId, OwnerAlert } from '../models/problems.js';
import type { ModeStatus } from './mode.js';

export type { ActionProblem, IntegrationName, IntegrationOperation, OwnerAlert } from '../models/problems.js';

/**
 * How the core tells the owner about problems without knowing about Telegram: the bot implements it,
 * a log-only version stands in when no bot is configured.
 */
export interface OwnerAlerts {
  /**
   * Tells the owner once per `key` until {@link OwnerAlerts.resolve} is called for it, so a persistent failure
   * (a revoked token, a lost subscription) is one message, not a flood.
   */
  alert(key: string, alert: OwnerAlert): Promise<void>;
  /** The problem behind `key` is over; the next alert with it is sent again. */
  resolve(key: string): Promise<void>;
}

/** Everything a draft card shows: the draft in its current state, its chat, and the buyer messages it answers. */
export interface CardView {
  draft: Draft;
  chat: Chat;
  buyerMessages: Message[];
  /** Set when the draft was retired because the owner took the chat over (🙋): who, and when. */
  takenOver?: { by: Actor; at: Date };
}

/** Short messages to the owner that are not draft cards. */
export type Notice =
  /** Auto mode: an answer went out; the entry offers 👎 feedback (callback `f:bad:<draftId>`). */
  | { kind: 'auto-sent'; view: CardView }
  /** Auto mode: the documents did not cover the question, the fallback text was sent. */
  | { kind: 'fallback-sent'; view: CardView }
  /** The seller wrote outside our service (the Avito app): the AI pauses in this chat until `until`. Once per pause. */
  | { kind: 'chat-paused'; chat: Chat; until: Date }
  /** A buyer wrote in a chat the owner has taken over: forwarded, no draft. */
  | { kind: 'buyer-in-human-chat'; chat: Chat; messages: Message[] };

/**
 * The responder's way to Telegram (implemented by the bot). Every method is idempotent and must not throw
 * for Telegram-side problems it can handle (a deleted card is sent again, "not modified" is success).
 */
export interface Notifier extends OwnerAlerts {
  /**
   * Makes the draft's card show the draft's current state: sends a new card when `view.draft.card` is null
   * (or the old one was deleted), edits it otherwise. Returns where the card now lives.
   */
  syncCard(view: CardView): Promise<CardRef | null>;
  /**
   * Shows the draft's card again as a new message at the bottom of the owner's chat (`/chats`) and retires the
   * old one (a short "moved below" line without buttons), so one live card per draft remains. Returns the new one.
   */
  repostCard(view: CardView): Promise<CardRef | null>;
  /** Sends a notice; nothing is remembered about it, so a repeat is a second message. */
  notify(notice: Notice): Promise<void>;
}

/** Who did something: `auto`, `system`, or a Telegram user as `tg:<id>`. */
export type Actor = string;

/** Longest text the owner may send to a buyer in one go (a channel splits long answers into parts). */
export const MAX_OWNER_TEXT = 3000;

/**
 * The owner's settings and screens that are not about one draft (`/mode`, `/pause`, `/resume`, `/chats`).
 * Implemented by the responder; every change is audited.
 */
export interface OwnerControls {
  /** The owner's mode and pause as they apply now (see responder/mode.ts). */
  mode(): Promise<ModeStatus>;
  /** Sets the mode for every chat without an override of its own. Audited when it changes. */
  setMode(mode: Mode, actor: Actor): Promise<ModeStatus>;
  /** Sets one chat's own mode; `null` makes it follow the owner's mode again. Null when there is no such chat. */
  setChatMode(chatId: string, mode: Mode | null, actor: Actor): Promise<Chat | null>;
  /** `/pause` (nothing is sent automatically, every draft waits for review) and `/resume`. */
  setPaused(paused: boolean, actor: Actor): Promise<ModeStatus>;
  /** Drafts waiting for the owner's decision, oldest first. */
  pendingDrafts(limit: number): Promise<Draft[]>;
  /**
   * Shows a draft's card again at the bottom of the owner's chat and records it as the draft's card (the old one
   * says it moved). Null when the draft or its chat is gone, or the card could not be sent.
   */
  resendCard(draftId: string): Promise<CardRef | null>;
  /** Chats the owner (or the seller outside our service) answers personally, most recently active first. */
  humanChats(limit: number): Promise<Chat[]>;
}

/** What a {@link DraftActions} call did: the draft as it now is, or why nothing changed. */
export type ActionResult =
  | { ok: true; draft: Draft }
  /** `stale`: the draft is no longer in a state that allows this (double tap, already sent, superseded). */
  | { ok: false; reason: 'not_found' | 'stale' | 'invalid'; draft?: Draft; problem?: ActionProblem };

/**
 * What the owner can do from Telegram. Implemented by the responder; every action is idempotent
 * (compare-and-set in the store), audited, and updates the card itself.
 */
export interface DraftActions {
  /** ✅ pending → approved, then delivered by a job. */
  approve(draftId: string, actor: Actor): Promise<ActionResult>;
  /** ✏️ finished: pending → approved with the owner's text. */
  editAndApprove(draftId: string, text: string, actor: Actor): Promise<ActionResult>;
  /** ✖️ pending → dismissed. */
  dismiss(draftId: string, actor: Actor): Promise<ActionResult>;
  /** 🔄 pending → superseded and a fresh draft is made for the chat's unanswered messages. */
  regenerate(draftId: string, actor: Actor): Promise<ActionResult>;
  /** ❌→✅ failed → approved (delivery is tried again). */
  retry(draftId: string, actor: Actor): Promise<ActionResult>;
  /** 🤖 on an escalation card: answer it with the AI after all (escalation rules skipped once). */
  letAiAnswer(draftId: string, actor: Actor): Promise<ActionResult>;
  /** 👎 on an auto-mode log entry: recorded for the seller's review. */
  feedback(draftId: string, actor: Actor, verdict: 'bad'): Promise<ActionResult>;
  /** 🙋 the owner answers this chat personally: no drafts until handed back. */
  takeOver(chatId: string, actor: Actor): Promise<Chat | null>;
  /** Hand the chat back to the AI. */
  handBack(chatId: string, actor: Actor): Promise<Chat | null>;
  /**
   * ✍️ / reply-to-card: the owner's own text goes to the buyer (no AI), through the same delivery path.
   * `draftId` is the card replied to, noted on it.
   */
  replyToBuyer(chatId: string, text: string, actor: Actor, draftId?: string): Promise<ActionResult>;
  /**
   * A message of the owner's that answers no buyer message (a document link): an approved `reply` draft naming
   * `source` (what was sent), delivered, retried and shown on a card like any other.
   */
  sendToBuyer(chatId: string, text: string, actor: Actor, source: { title: string }): Promise<ActionResult>;
}

/** A notifier that only writes to the log: used when no Telegram bot is configured. */
export function logOnlyAlerts(logger: { warn(obj: object, msg: string): void }): Notifier {
  const open = new Set<string>();
  return {
    async alert(key, alert) {
      if (open.has(key)) return;
      open.add(key);
      logger.warn({ alert: key, ...alert }, 'owner alert (no Telegram bot configured)');
    },
    async resolve(key) {
      open.delete(key);
    },
    async syncCard() {
      return null;
    },
    async repostCard() {
      return null;
    },
    async notify(notice) {
      logger.warn({ notice: notice.kind }, 'owner notice (no Telegram bot configured)');
    },
  };
}

// ---- Sales: leads and computed prices (implemented by src/sales, wired in service.ts) ----

/** What the responder knows of a buyer's messages, for the sales side's leads. */
export interface LeadSinkInput {
  channel: ChannelId;
  /** The chat id (namespaced per channel, see channel.ts). */
  conversationId: string;
  listing: { itemId: string; title: string | null } | null;
  buyer: { name: string | null } | null;
  /** Oldest first. */
  messages: ReadonlyArray<{ id: string; text: string; at: Date }>;
}

/**
 * Where buyer conversations become leads. Never fatal to answering: the responder logs a failure and retries
 * it in a job of its own.
 */
export interface LeadSink {
  /** A buyer's message: start or continue the lead, pick up contacts (no brief: that waits for the burst). */
  buyerMessage(input: LeadSinkInput): Promise<void>;
  /** A burst the responder answers at once: fill the brief from it. */
  buyerBurst(input: LeadSinkInput): Promise<void>;
}

/**
 * The calculator's quote for a price question about a configured product, as a source passage for the answer
 * (null when the messages ask no such price).
 */
export interface PriceQuotes {
  quoteFor(input: {
    questions: readonly string[];
    listing: { itemId: string | null; title: string | null } | null;
  }): Promise<{ title: string; text: string; figure?: string } | null>;
}
