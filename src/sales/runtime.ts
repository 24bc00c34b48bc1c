import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ModelRouter } from '../rag/models/router.js';
import type { Store } from '../store/port.js';
import type { SalesConfig } from './config.js';
import { type ConversationLeads, createConversationLeads, createPriceQuotes } from './conversations.js';
import { type BuyerDelivery, createDocumentDesk, type DocumentDesk } from './delivery/desk.js';
import { createPdfFiles } from './delivery/files.js';
import { createDocumentLinks } from './delivery/links.js';
import { createModelBriefExtractor } from './leads/brief/model.js';
import { createRuleBriefExtractor } from './leads/brief/rules.js';
import type { LeadListener } from './leads/events.js';
import { createLeads, type Leads, type LeadsDeps } from './leads/index.js';

/** What the service runs of the sales core; built by {@link openSales} in the composition root. */
export interface SalesRuntime {
  /** The sales configuration; null when `SALES_CONFIG` names no file (leads only, default brief). */
  config: SalesConfig | null;
  leads: Leads;
  /** The responder's `LeadSink`. */
  conversations: ConversationLeads;
  /** The responder's `PriceQuotes`; null without a price list. */
  prices: ReturnType<typeof createPriceQuotes> | null;
  /** The owner's documents, once the responder can deliver to buyers; null without a price list. */
  openDesk(deliver: BuyerDelivery): DocumentDesk | null;
}

/**
 * The sales core from the configuration as read at start-up (a missing file leaves leads on with the default
 * brief, and quotes and documents off), with the brief read by the answers' model providers when any are
 * configured (the rules otherwise, and as their fallback).
 */
export function openSales(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  /** Where buyers reach the service: PUBLIC_URL, else the address it listens on. */
  publicUrl: () => string;
  /** The sales configuration file as read (null: `SALES_CONFIG` names no file). */
  file: SalesConfig | null;
  /** The brief and time zone the leads use: the file's, or the defaults when there is none. */
  leadSettings: LeadsDeps['sales'];
  listeners?: readonly LeadListener[];
  /** The answers' router (LLM_PROVIDERS), shared by the brief; null without providers. */
  models: Pick<ModelRouter, 'complete'> | null;
}): SalesRuntime {
  const { config, store } = deps;
  const logger = deps.logger.child({ module: 'sales' });
  const sales = deps.file;
  if (!sales)
    logger.info(
      { path: config.sales.configPath },
      'no sales configuration: leads are kept with the default brief; quotes and documents are off',
    );
  const rules = createRuleBriefExtractor();
  const extractor = deps.models
    ? createModelBriefExtractor({ models: deps.models, logger, fallback: rules })
    : rules;
  const leadsDeps: LeadsDeps = {
    store,
    now: () => new Date(),
    extractor,
    sales: deps.leadSettings,
    listeners: deps.listeners ?? [],
    logger,
  };
  const leads = createLeads(leadsDeps);
  return {
    config: sales,
    leads,
    conversations: createConversationLeads(leadsDeps, leads),
    prices: sales ? createPriceQuotes(sales, config.locale) : null,
    openDesk: (deliver) =>
      sales
        ? createDocumentDesk({
            sales,
            documents: store.salesDocuments,
            sequences: store.sequences,
            leads,
            files: createPdfFiles(join(config.dataDir, 'documents')),
            links: createDocumentLinks({
              documents: store.salesDocuments,
              publicUrl: deps.publicUrl,
              ttlDays: config.sales.linkTtlDays,
              now: () => new Date(),
            }),
            deliver,
            maxPdfBytes: config.sales.maxPdfBytes,
            ttlDays: config.sales.linkTtlDays,
            now: () => new Date(),
            logger,
            locale: config.locale,
          })
        : null,
  };
}
