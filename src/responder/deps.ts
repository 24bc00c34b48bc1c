import type { Agenda } from 'agenda';
import type { Config } from '../config.js';
import type { DomainMetrics } from '../domain-metrics.js';
import type { Logger } from '../logger.js';
import type { Chat, Draft, Message } from '../models/records.js';
import type { AnswerInput, Decision } from '../rag/answer.js';
import type { Store } from '../store/port.js';
import type { ChannelRegistry } from './channel.js';
import type { BuyerIntents } from './intents.js';
import type { CardView, LeadSink, Notifier, PriceQuotes } from './ports.js';

/** The answering side as the responder uses it (the rag module's `Knowledge` fits). */
export interface Answerer {
  answer(
    input: AnswerInput,
    options?: { keywords?: readonly string[]; skipEscalation?: boolean },
  ): Promise<Decision>;
}

/** What the responder is built with, by the composition root (`src/service.ts`). */
export interface ResponderDeps {
  config: Config;
  store: Store;
  agenda: Agenda;
  /** The buyers' channels (outbound halves), by id; each chat's channel is `channelOf(chat.id)`. */
  channels: ChannelRegistry;
  knowledge: Answerer;
  notifier: Notifier;
  logger: Logger;
  /** Counters for `/metrics` (drafts, escalations, failed sends); nothing is counted without it. */
  metrics?: DomainMetrics;
  /** While a channel delivers a flood of messages (Avito redelivering after an outage), answers wait. */
  pressure?: { outOfStorm(): Promise<void> };
  /** Sales: buyer conversations become leads (absent: no leads are kept). */
  leads?: LeadSink;
  /** Sales: price questions about configured products are answered from the calculator. */
  prices?: PriceQuotes;
  /** Consulted before the AI answers (see intents.ts): the sales pipeline's own replies. */
  intents?: BuyerIntents;
  now?: () => Date;
  /** Waits `ms` (a run waiting for a busy chat); tests replace it to control the interleaving. */
  sleep?: (ms: number) => Promise<void>;
}

/** The audit action that marks a draft retired because the owner took its chat over (🙋). */
export const TAKEN_OVER = 'draft.taken-over';

/** A draft's chat and the buyer messages it answers, as the caller has just read them. */
export interface ViewParts {
  chat: Chat;
  buyerMessages: Message[];
}

/** The draft with its chat and the buyer messages it answers, as a card shows it (`known`: not read again). */
export async function loadView(store: Store, draft: Draft, known?: ViewParts): Promise<CardView | null> {
  const chat = known?.chat ?? (await store.chats.get(draft.chatId));
  if (!chat) return null;
  const buyerMessages =
    known?.buyerMessages ??
    (await Promise.all(draft.coversMessageIds.map((id) => store.messages.get(id)))).filter((m) => m !== null);
  // Only a dismissed draft can have been taken over; the audit says by whom.
  const takeOver =
    draft.status === 'dismissed'
      ? (await store.audit.query({ draftId: draft.id, action: TAKEN_OVER, limit: 1 }))[0]
      : undefined;
  return {
    draft,
    chat,
    buyerMessages,
    ...(takeOver ? { takenOver: { by: takeOver.actor, at: takeOver.at } } : {}),
  };
}

/**
 * Brings the draft's Telegram card in line with its state and remembers where the card lives.
 * Telegram problems are the notifier's to handle; anything it throws is logged, never fatal to the flow.
 */
export async function syncCard(deps: ResponderDeps, draft: Draft, known?: ViewParts): Promise<Draft> {
  // An answer the AI sends on its own gets a log entry (auto-sent notice), not a card, unless it fails.
  if (draft.approvedBy === 'auto' && !draft.card && draft.status !== 'failed') return draft;
  const view = await loadView(deps.store, draft, known);
  if (!view) return draft;
  try {
    const card = await deps.notifier.syncCard(view);
    if (card && (card.chatId !== draft.card?.chatId || card.messageId !== draft.card?.messageId)) {
      return (await deps.store.drafts.update(draft.id, { card })) ?? draft;
    }
  } catch (err) {
    deps.logger.warn({ err, draftId: draft.id }, 'could not update the draft card');
  }
  return draft;
}
