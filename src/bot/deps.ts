import type { Agenda } from 'agenda';
import type { Config } from '../config.js';
import type { Consultations, Payments } from '../integrations/index.js';
import type { Logger } from '../logger.js';
import type { KnowledgeDocument, ListingFacts, Mode } from '../models/records.js';
import type { Decision } from '../rag/answer.js';
import type { DraftActions, OwnerControls } from '../responder/ports.js';
import type { SalesConfig } from '../sales/config.js';
import type { DocumentDesk } from '../sales/delivery/desk.js';
import type { Leads } from '../sales/leads/index.js';
import type { Store } from '../store/port.js';
import type { LeadCardRegistry } from './cards/lead.js';

/** Where an upload stands; the bot edits one progress message through these stages. */
export interface IngestProgress {
  stage: 'extracting' | 'uploading' | 'indexing' | 'ready' | 'failed';
  percent?: number;
  detail?: string;
}

/** One file the owner sent, as the bot hands it to the knowledge base. */
export interface BotIngestInput {
  origin: 'upload';
  /** Telegram's `file_unique_id`: the same file sent again replaces its document. */
  sourceKey: string;
  title: string;
  /** The original file name: its extension decides the type (the real ingestion needs it). */
  fileName: string;
  bytes: Uint8Array;
  mimeType?: string;
  scope: 'general' | 'item';
  itemId: string | null;
}

/** What the knowledge base decided for a question: the rag module's own type. */
export type { Decision };

/** One turn of chat history given to the answerer. */
export interface HistoryTurn {
  author: 'buyer' | 'ai' | 'owner' | 'system';
  text: string;
}

/**
 * The narrow part of the knowledge module the bot uses (uploads, `/docs`, `/ask`). The composition root
 * adapts `src/rag` to it, so the bot never depends on how retrieval works.
 */
export interface BotKnowledge {
  ingest(input: BotIngestInput, onProgress?: (p: IngestProgress) => void): Promise<KnowledgeDocument>;
  /** Removes a document; `actor` (the owner who deleted it) is recorded in the audit. */
  removeDocument(id: string, actor: string): Promise<unknown>;
  answer(input: {
    questions: string[];
    history: HistoryTurn[];
    listing: (ListingFacts & { itemId: string | null }) | null;
  }): Promise<Decision>;
  /** Re-reads DOCS_DIR; absent when the deployment has no folder sync. */
  syncFolder?(): Promise<unknown>;
}

/** One line of `/status`: a dependency and how it is doing. */
export interface StatusCheck {
  status: string;
  detail?: string;
}

/** What `/status` and `/start` show; the composition root gathers it (readiness checks, queue sizes). */
export interface StatusSnapshot {
  /** e.g. `store`, `avito`, `avitoWebhook`, `telegram`, `gemini`; `status` is `ok`, `degraded`, `down`, `disabled`. */
  checks: Record<string, StatusCheck>;
  queue: { pendingDrafts: number; humanChats: number; jobsQueued?: number };
  mode: Mode;
  paused: boolean;
}

/** Everything {@link createBot} needs besides the owner's Telegram output, passed explicitly by `service.ts`. */
export interface BotDeps {
  config: Config;
  /** For reads the screens show (documents, listings) and the bot's own state in `kv`; changes go through use cases. */
  store: Store;
  logger: Logger;
  /** The responder's actions on drafts and chats (card buttons, replies). */
  actions: DraftActions;
  /** The responder's settings and screens (mode, pause, `/chats`). */
  owner: OwnerControls;
  knowledge: BotKnowledge;
  agenda: Agenda;
  status: () => Promise<StatusSnapshot>;
  /** Leads, /quote and documents; without it the sales commands say they are not set up. */
  sales?: BotSales;
  /** The lead card's extension point, when the caller holds one already; the bot makes its own otherwise. */
  leadCard?: LeadCardRegistry;
}

/** The sales core as the bot uses it. */
export interface BotSales {
  leads: Leads;
  /** Price list (for /quote) and brief fields; null without `SALES_CONFIG`. */
  config: SalesConfig | null;
  /** Offers, contracts and invoices; null without a price list. */
  desk: DocumentDesk | null;
  /** 📅 on the lead card: consultations, their times shown in the calendar's zone (absent without a calendar). */
  calendar?: { consultations: Consultations; timeZone: string };
  /** 💳 on the lead card: payment links and refunds of invoices (absent without YooKassa). */
  payments?: Payments;
}
