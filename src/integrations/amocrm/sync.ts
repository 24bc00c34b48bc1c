/**
 * Our leads as amoCRM deals: the deal made once per lead (contact, tags, listing, the conversation link in one
 * `leads/complex`), its status kept in line with our stage, notes added, and the seller's moves in amoCRM
 * brought back to our lead. Every operation here is idempotent and runs inside an outbox job (./jobs.ts)
 * holding the lead's lease, so two jobs never create a lead's deal twice.
 */
import type { Logger } from '../../logger.js';
import type { Lead, LeadStage } from '../../models/records.js';
import { type BriefField, formatBriefValue, type LeadActionResult } from '../../sales/leads/index.js';
import type { Store } from '../../store/port.js';
import { withLease } from '../lease.js';
import type { Texts } from '../../texts/index.js';
import type { AmoAuth } from './auth.js';
import {
  AMO_LOST_STATUS_ID,
  AMO_WON_STATUS_ID,
  AmoCrmClient,
  type AmoCrmClientOptions,
  type NewLead,
} from './client.js';
import type { AmoCrmConfig } from './config.js';
import { type DealBook, type DealRecord, dealBook } from './deals.js';
import { resolveStatusMap, type StatusMap } from './stages.js';
import type { SlidingWindowLimiter } from '../../lib/rate-limiter.js';
import type { FetchLike } from '../../lib/http.js';

/** The lead use cases a seller's move in amoCRM goes through (the stage rules apply as for the owner). */
export interface LeadMoves {
  get(leadId: string): Promise<Lead | null>;
  moveStage(leadId: string, to: LeadStage, actor: string): Promise<LeadActionResult>;
  markLost(leadId: string, reason: string, actor: string): Promise<LeadActionResult>;
}

/** The audit actor of moves made by the seller in amoCRM: a person acting for the seller (see `moverOf`). */
export const AMOCRM_ACTOR = 'amocrm';

/** Codes of our lead fields in amoCRM (created once, API-only). */
const LISTING_FIELD = 'AVITO_RESPONDER_LISTING';
const LINK_FIELD = 'AVITO_RESPONDER_CHAT_URL';

export interface AmoSyncDeps {
  config: Extract<AmoCrmConfig, { enabled: true }>;
  auth: AmoAuth;
  /** One per integration: amoCRM counts requests per integration, whichever job makes them. */
  limiter: SlidingWindowLimiter;
  store: Pick<Store, 'crmDeals' | 'leases'>;
  leads: LeadMoves;
  /** `amocrm.statuses` of the sales configuration. */
  statuses: Partial<Record<LeadStage, number | string>>;
  briefFields: readonly BriefField[];
  texts: Texts;
  logger: Logger;
  fetch?: FetchLike;
  /** The client's own retries inside one job run (the outbox retries the run). */
  client?: Pick<AmoCrmClientOptions, 'maxAttempts' | 'backoff' | 'timeoutMs'>;
}

interface Session {
  client: AmoCrmClient;
  map: StatusMap;
  fields: { listing: number; link: number };
}

/** A link the seller can open to read the conversation, where the channel has one. */
export function conversationLink(lead: Pick<Lead, 'channel' | 'conversationId'>): string | null {
  return lead.channel === 'avito'
    ? `https://www.avito.ru/profile/messenger/channel/${encodeURIComponent(lead.conversationId)}`
    : null;
}

export class AmoCrmSync {
  private session: Promise<Session> | undefined;
  readonly deals: DealBook;
  private readonly log: Logger;
  /** Problems of `amocrm.statuses` found when the pipeline was read (for `/ready`). */
  mapProblems: string[] = [];

  constructor(private readonly deps: AmoSyncDeps) {
    this.deals = dealBook(deps.store.crmDeals);
    this.log = deps.logger;
  }

  /** The client with our field ids, and the status map: read from amoCRM once (again after a failure). */
  private ready(): Promise<Session> {
    this.session ??= this.open().catch((err: unknown) => {
      this.session = undefined;
      throw err;
    });
    return this.session;
  }

  private client(leadIdFieldId?: number): AmoCrmClient {
    const { config } = this.deps;
    return new AmoCrmClient({
      baseUrl: config.baseUrl,
      auth: this.deps.auth,
      rateLimit: this.deps.limiter,
      ...(leadIdFieldId === undefined ? {} : { leadIdFieldId }),
      ...this.deps.client,
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
      logger: this.log,
    });
  }

  private async open(): Promise<Session> {
    const { config, texts } = this.deps;
    const bootstrap = this.client(config.leadIdFieldId);
    const leadIdField = config.leadIdFieldId ?? (await bootstrap.ensureLeadIdField());
    const listing = await bootstrap.ensureLeadField({
      code: LISTING_FIELD,
      name: texts.crm.listingField,
      type: 'text',
    });
    const link = await bootstrap.ensureLeadField({
      code: LINK_FIELD,
      name: texts.crm.linkField,
      type: 'url',
    });
    const { map, problems } = resolveStatusMap(
      this.deps.statuses,
      await bootstrap.pipelines(),
      config.pipelineId,
    );
    this.mapProblems = problems;
    for (const problem of problems) this.log.warn({ problem }, 'amoCRM status map');
    return { client: this.client(leadIdField), map, fields: { listing, link } };
  }

  /** Runs `work` holding the lead's lease: one conversation with amoCRM about a lead at a time. */
  private locked<T>(leadId: string, work: () => Promise<T>): Promise<T> {
    return withLease(this.deps.store.leases, `amocrm:lead:${leadId}`, work);
  }

  /** The lead's deal, made now (with its contact, tags, listing and link) if it has none yet. */
  private async ensureDeal(session: Session, lead: Lead): Promise<DealRecord> {
    const known = await this.deals.get(lead.id);
    if (known) return known;
    const { texts } = this.deps;
    const statusId = session.map.statusOf(lead.stage);
    const link = conversationLink(lead);
    const price = lead.amounts.invoiced ?? lead.amounts.quoted;
    const input: NewLead = {
      ourLeadId: lead.id,
      name: texts.crm.dealName(lead.listing?.title ?? null, lead.contact.name).slice(0, 255),
      pipelineId: session.map.pipelineId,
      ...(statusId === undefined ? {} : { statusId }),
      ...(price === null ? {} : { priceKopecks: price }),
      tags: lead.tags,
      contact: {
        name: lead.contact.name ?? texts.crm.buyerName,
        ...(lead.contact.phone ? { phone: lead.contact.phone } : {}),
        ...(lead.contact.email ? { email: lead.contact.email } : {}),
      },
      fields: [
        ...(lead.listing
          ? [
              {
                fieldId: session.fields.listing,
                value: `${lead.listing.title ?? ''} (${lead.listing.itemId})`.trim(),
              },
            ]
          : []),
        ...(link ? [{ fieldId: session.fields.link, value: link }] : []),
      ],
    };
    const result = await session.client.upsertLead(input);
    // A deal found again (our id, or an open deal of the same phone) gets our tags; a new one has them.
    if (!result.created) await session.client.addTags(result.leadId, lead.tags);
    const deal: DealRecord = {
      dealId: result.leadId,
      contactId: result.contactId,
      tags: [...lead.tags],
      status: result.created ? { stage: lead.stage, statusId: statusId ?? null, confirmed: true } : null,
    };
    await this.deals.put(lead.id, deal);
    this.log.info(
      { leadId: lead.id, dealId: deal.dealId, matchedBy: result.matchedBy },
      'amoCRM deal linked',
    );
    return deal;
  }

  /**
   * Brings the lead's deal in line with the lead: made if missing, our new tags added, the status moved when
   * our stage moved since the deal's status was last set (a seller's move in amoCRM is not undone).
   */
  syncDeal(leadId: string): Promise<void> {
    return this.locked(leadId, async () => {
      const current = await this.deps.leads.get(leadId);
      if (!current) return;
      const session = await this.ready();
      let deal = await this.ensureDeal(session, current);
      const missing = current.tags.filter((t) => !deal.tags.includes(t));
      if (missing.length > 0) {
        await session.client.addTags(deal.dealId, missing);
        deal = { ...deal, tags: [...deal.tags, ...missing] };
        await this.deals.put(leadId, deal);
      }
      const wanted = session.map.statusOf(current.stage);
      if (wanted === undefined) return;
      const status = deal.status;
      if (status?.confirmed && (status.statusId === wanted || status.stage === current.stage)) return;
      // Recorded before the move: its echo (amoCRM's webhook about our own change) is recognised as ours.
      deal = { ...deal, status: { stage: current.stage, statusId: wanted, confirmed: false } };
      await this.deals.put(leadId, deal);
      await session.client.updateLeadStatus(deal.dealId, wanted, session.map.pipelineId);
      await this.deals.put(leadId, {
        ...deal,
        status: { stage: current.stage, statusId: wanted, confirmed: true },
      });
    });
  }

  /** Adds a note to the lead's deal (making the deal first if need be); a repeat adds nothing. */
  addNote(leadId: string, text: string): Promise<void> {
    return this.locked(leadId, async () => {
      const lead = await this.deps.leads.get(leadId);
      if (!lead) return;
      const session = await this.ready();
      const deal = await this.ensureDeal(session, lead);
      await session.client.addNote(deal.dealId, text);
    });
  }

  /** A note with the lead's brief, when it says something the last one did not. */
  noteBrief(leadId: string): Promise<void> {
    return this.locked(leadId, async () => {
      const lead = await this.deps.leads.get(leadId);
      if (!lead) return;
      const lines = this.deps.briefFields.flatMap((field) => {
        const value = lead.brief[field.id]?.value;
        return value === undefined || value === null
          ? []
          : [`${field.label}: ${formatBriefValue(field, value)}`];
      });
      if (lines.length === 0) return;
      const text = this.deps.texts.crm.brief(lines);
      if (await this.deals.briefNoted(leadId, text)) return;
      const session = await this.ready();
      const deal = await this.ensureDeal(session, lead);
      await session.client.addNote(deal.dealId, text);
      await this.deals.noteBrief(leadId, text);
    });
  }

  /**
   * The seller moved a deal in amoCRM (its webhook said so): the deal is read again and only its status as
   * amoCRM has it counts. Our own moves coming back are recognised and ignored; a move to a status one of our
   * stages maps to moves our lead there, by the stage rules as for the owner (`lost` with a reason).
   */
  statusChanged(dealId: number): Promise<void> {
    return (async () => {
      const leadId = await this.deals.leadOf(dealId);
      if (!leadId) return this.log.debug({ dealId }, 'amoCRM webhook about a deal that is not ours');
      await this.locked(leadId, async () => {
        const deal = await this.deals.get(leadId);
        const session = await this.ready();
        const amo = await session.client.getLead(dealId);
        if (!deal || !amo) return;
        if (deal.status?.statusId === amo.status_id) return;
        // Our own move has not reached amoCRM yet (it waits in the outbox): what amoCRM shows predates it, and a
        // late webhook about an earlier move of ours must not take the lead back. The move, once made, wins.
        if (deal.status && !deal.status.confirmed) {
          this.log.info(
            { leadId, dealId, statusId: amo.status_id },
            'amoCRM stage change ignored: our move pending',
          );
          return;
        }
        const lead = await this.deps.leads.get(leadId);
        if (!lead) return;
        const closed = amo.status_id === AMO_WON_STATUS_ID || amo.status_id === AMO_LOST_STATUS_ID;
        const stage =
          amo.pipeline_id === session.map.pipelineId || closed
            ? session.map.stageOf(amo.status_id, lead.stage)
            : undefined;
        // Where the deal is now, reached by the seller: the sync leaves it there until our stage moves on.
        await this.deals.put(leadId, {
          ...deal,
          status: { stage: stage ?? lead.stage, statusId: amo.status_id, confirmed: true },
        });
        if (!stage) return;
        const result =
          stage === 'lost'
            ? await this.deps.leads.markLost(leadId, this.deps.texts.crm.lostInCrm, AMOCRM_ACTOR)
            : await this.deps.leads.moveStage(leadId, stage, AMOCRM_ACTOR);
        this.log.info(
          { leadId, dealId, stage, outcome: result.ok ? 'moved' : result.reason },
          'amoCRM stage change applied',
        );
      });
    })();
  }

  /** Subscribes our webhook URL to amoCRM's stage changes. */
  async registerWebhook(url: string): Promise<void> {
    const session = await this.ready();
    await session.client.registerWebhook(url);
  }

  /** The account id, for checking that a webhook is from our account. */
  async accountId(): Promise<number> {
    const session = await this.ready();
    return (await session.client.account()).id;
  }
}
