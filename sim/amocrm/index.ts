import { CallLog } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { finishSimulatorApp, simulatorApp } from '../common/http.js';
import { listen } from '../common/server.js';
import {
  leversOf,
  type OutgoingDelivery,
  WebhookSender,
  type WebhookLevers,
} from '../common/webhook-sender.js';
import { type AmoActors, createActors } from './actors.js';
import { PerSecondLimiter, requireBearer, tokenHandler } from './auth.js';
import { registerCatalog } from './catalog.js';
import { registerContacts } from './contacts.js';
import { registerControlRoutes } from './control-routes.js';
import { amoStatusRenderer, sendProblem, sendValidation } from './errors.js';
import { type AfterCommitFault, registerLeads } from './leads.js';
import { AmoState } from './state.js';
import type {
  AmoCrmSimOptions,
  AmoIntegration,
  ContactRecord,
  LeadRecord,
  NoteRecord,
  PipelineRecord,
  StatusChange,
  TagRecord,
} from './types.js';
import { AmoWebhooks } from './webhooks.js';

export type { AmoActors, SellerMove } from './actors.js';
export type { AfterCommitFault } from './leads.js';
export { LOST_STATUS_ID, WON_STATUS_ID } from './state.js';
export * from './types.js';

/** Run-time switches of the simulated amoCRM. */
export interface AmoCrmControls extends WebhookLevers {
  /** Every access token issued so far is expired from now on (long-lived tokens stay valid). */
  expireAccessTokens(): void;
  /** Moves the simulator clock forward: token and code expiry, the rate-limit window. */
  advanceTime(ms: number): void;
  /** amoCRM restricting our IP after abuse: every API call gets 403 [C; status U]. */
  blockIp(blocked: boolean): void;
  setRateLimitBody(body: 'empty' | 'problem'): void;
  /** How many requests the 7-per-second limit refused. */
  rateLimited(): number;
  /** Successful `/oauth2/access_token` answers by grant. */
  grants(): { authorization_code: number; refresh_token: number };
  /** Registers a `status_lead` webhook, as the account's settings page would. */
  registerWebhook(url: string): void;
  /**
   * The next `times` creates (`leads/complex`, notes) are stored but the client gets no answer or a 5xx:
   * the unknown outcome a retry must not turn into a duplicate.
   */
  failAfterCommit(times?: number, fault?: AfterCommitFault): void;
}

/** A running amoCRM simulator; actors and controls are also reachable directly on it. */
export interface AmoCrmSim extends AmoActors, AmoCrmControls {
  /** Origin, e.g. `http://127.0.0.1:41234` (our `AMOCRM_BASE_URL`). */
  url: string;
  port: number;
  subdomain: string;
  accountId: number;
  integrations: AmoIntegration[];
  longLivedTokens: string[];
  /** The seeded pipeline and its stages (plus 142/143). */
  pipeline: PipelineRecord;
  /**
   * Environment for the service: the base URL, the pipeline, and the first long-lived token when there is
   * one, else the first integration's OAuth trio (then `npm run amocrm -- connect` with `authorize()`'s code).
   */
  env: Record<string, string>;
  calls: CallLog;
  faults: FaultInjector;
  /** Every webhook delivery with its attempts (live array). */
  readonly deliveries: readonly OutgoingDelivery[];
  lead(id: number): LeadRecord | undefined;
  leads(): LeadRecord[];
  contacts(): ContactRecord[];
  notesOf(leadId: number): NoteRecord[];
  tagsOf(leadId: number): TagRecord[];
  /** The form body amoCRM would POST for these changes (to forge or compare one). */
  webhookBody(changes: StatusChange[]): string;
  close(): Promise<void>;
}

/**
 * Starts a local amoCRM account (OAuth, leads, contacts, notes, tags, pipelines, custom fields, webhooks)
 * on loopback that speaks API v4's wire format and limits, and plays the seller moving deals:
 *
 * ```ts
 * const amo = await startAmoCrmSim({ longLivedTokens: ['llt'], webhooks: [`${service}/amocrm/webhook/s3cret`] });
 * await amo.sellerMovesLeads([{ leadId, statusId: WON_STATUS_ID }]);
 * ```
 */
export async function startAmoCrmSim(opts: AmoCrmSimOptions = {}): Promise<AmoCrmSim> {
  const state = new AmoState(opts);
  const calls = new CallLog();
  const faults = new FaultInjector(opts.seed ?? 1);
  let rateLimitBody = opts.rateLimitBody ?? 'empty';
  const sender = new WebhookSender({
    timeoutMs: opts.webhookTimeoutMs ?? 2000,
    retries: opts.webhookRetry?.retries ?? 2,
    backoffMs: opts.webhookRetry?.backoffMs ?? 200,
    sourceAddress: opts.webhookSourceAddress,
    random: state.random,
  });
  const webhooks = new AmoWebhooks(state, sender);
  for (const url of opts.webhooks ?? []) state.addWebhook(url, ['status_lead']);
  const limiter = new PerSecondLimiter(state, opts.rateLimitPerSecond ?? 7);
  const actors = createActors(state, webhooks);
  const afterCommit: AfterCommitFault[] = [];

  const app = simulatorApp({
    calls,
    faults,
    render: amoStatusRenderer(() => rateLimitBody === 'empty'),
    tooLarge: (res) => sendProblem(res, 413, 'Request body is too large'),
  });
  app.use((_req, res, next) => {
    if (res.locals.invalidJson === true) {
      return sendValidation(res, [
        { requestId: '0', errors: [{ code: 'InvalidJson', path: 'body', detail: 'Syntax error' }] },
      ]);
    }
    next();
  });
  if (opts.controlRoutes) registerControlRoutes(app, state, actors);
  app.post('/oauth2/access_token', tokenHandler(state));
  app.use(
    '/api',
    requireBearer(state),
    limiter.middleware(() => rateLimitBody === 'problem'),
  );
  app.use('/api', (req, res, next) => {
    const hasBody = req.method === 'POST' || req.method === 'PATCH';
    if (hasBody && !(req.headers['content-type'] ?? '').includes('json')) {
      return sendProblem(res, 415, 'Expected application/json');
    }
    next();
  });
  registerCatalog(app, state);
  registerContacts(app, state);
  registerLeads(app, state, webhooks, { webhookOnApiChanges: opts.webhookOnApiChanges ?? true, afterCommit });
  finishSimulatorApp(
    app,
    (res) => sendProblem(res, 404, 'Not found'),
    (res, message) => sendProblem(res, 500, message),
  );

  const server = await listen(app, opts.port ?? 0);
  const integration = state.integrations[0];
  const longLived = [...state.longLived][0];
  const controls: AmoCrmControls = {
    expireAccessTokens: () => state.expireAccessTokens(),
    advanceTime: (ms) => state.advance(ms),
    blockIp: (blocked) => {
      state.ipBlocked = blocked;
    },
    setRateLimitBody: (body) => {
      rateLimitBody = body;
    },
    rateLimited: () => limiter.refused,
    grants: () => ({ ...state.grants }),
    registerWebhook: (url) => {
      state.addWebhook(url, ['status_lead']);
    },
    failAfterCommit: (times = 1, fault = 'drop') => {
      for (let i = 0; i < times; i += 1) afterCommit.push(fault);
    },
    ...leversOf(sender),
  };

  return {
    ...controls,
    ...actors,
    url: server.url,
    port: server.port,
    subdomain: state.subdomain,
    accountId: state.accountId,
    integrations: state.integrations,
    longLivedTokens: [...state.longLived],
    pipeline: state.mainPipeline(),
    env: {
      AMOCRM_BASE_URL: server.url,
      ...(longLived !== undefined
        ? { AMOCRM_ACCESS_TOKEN: longLived }
        : integration
          ? {
              AMOCRM_CLIENT_ID: integration.clientId,
              AMOCRM_CLIENT_SECRET: integration.clientSecret,
              AMOCRM_REDIRECT_URI: integration.redirectUri,
            }
          : {}),
      AMOCRM_PIPELINE_ID: String(state.mainPipeline().id),
    },
    calls,
    faults,
    deliveries: sender.deliveries,
    lead: (id) => state.leads.get(id),
    leads: () => [...state.leads.values()],
    contacts: () => [...state.contacts.values()],
    notesOf: (leadId) => state.notes.filter((n) => n.entity_id === leadId),
    tagsOf: (leadId) =>
      (state.leads.get(leadId)?.tagIds ?? []).flatMap((id) => {
        const tag = state.tags.get(id);
        return tag ? [tag] : [];
      }),
    webhookBody: (changes) => webhooks.body(changes),
    async close() {
      sender.close();
      await server.close();
      await sender.settled();
    },
  };
}
