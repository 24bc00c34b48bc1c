import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DomainMetrics } from '../domain-metrics.js';

/** One queue's state at scrape time. */
export interface QueueSnapshot {
  /** `drafts` (awaiting the owner), `events` (Avito deliveries not yet processed), `jobs` (due, not started). */
  queue: string;
  depth: number;
  /** Seconds the oldest waiting item has waited; 0 when the queue is empty. */
  oldestAgeSeconds: number;
}

/** Every domain metric is named `avito_responder_…` (the README lists them). */
const PREFIX = 'avito_responder_';

/**
 * The service's Prometheus registry (not prom-client's global one, so tests can create many): HTTP metrics,
 * process defaults, and the domain metrics the core reports through {@link DomainMetrics}.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const webhookDeliveries = new Counter({
    name: `${PREFIX}webhook_deliveries_total`,
    help: 'Avito webhook deliveries by outcome (accepted, duplicate, probe, rejected, unavailable, wrong_secret)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const draftsCreated = new Counter({
    name: `${PREFIX}drafts_created_total`,
    help: 'Drafts by decision (answer, fallback, escalation, reply) and whether the sources back them',
    labelNames: ['decision', 'grounded'] as const,
    registers,
  });
  const draftsApproved = new Counter({
    name: `${PREFIX}drafts_approved_total`,
    help: 'Drafts approved for sending, by who approved them (auto, owner)',
    labelNames: ['by'] as const,
    registers,
  });
  const draftsFinished = new Counter({
    name: `${PREFIX}drafts_finished_total`,
    help: 'Drafts reaching a final state (sent, dismissed, superseded, failed)',
    labelNames: ['state'] as const,
    registers,
  });
  const escalations = new Counter({
    name: `${PREFIX}escalations_total`,
    help: 'Buyer messages escalated to the owner, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const sendsFailed = new Counter({
    name: `${PREFIX}sends_failed_total`,
    help: 'Failed sends to the buyer, by error kind (each attempt counts)',
    labelNames: ['kind'] as const,
    registers,
  });
  const modelCalls = new Histogram({
    name: `${PREFIX}model_call_duration_seconds`,
    help: 'Model requests by model and outcome (ok or the failure kind), with their latency',
    labelNames: ['model', 'outcome'] as const,
    buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30],
    registers,
  });
  const tokenRefreshes = new Counter({
    name: `${PREFIX}token_refreshes_total`,
    help: 'Avito access token requests by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });

  let readQueues: (() => Promise<QueueSnapshot[]>) | undefined;
  let lastRead: Promise<QueueSnapshot[]> | undefined;
  /** Both gauges are filled from one read per scrape. */
  const queues = async (): Promise<QueueSnapshot[]> => {
    if (!readQueues) return [];
    lastRead ??= readQueues().finally(() => setImmediate(() => (lastRead = undefined)));
    return lastRead;
  };
  new Gauge({
    name: `${PREFIX}queue_depth`,
    help: 'Items waiting, read at scrape time: drafts awaiting the owner, unprocessed Avito events, due jobs',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      this.reset();
      for (const q of await queues()) this.set({ queue: q.queue }, q.depth);
    },
  });
  new Gauge({
    name: `${PREFIX}queue_oldest_age_seconds`,
    help: 'How long the oldest waiting item of each queue has waited, read at scrape time',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      this.reset();
      for (const q of await queues()) this.set({ queue: q.queue }, q.oldestAgeSeconds);
    },
  });

  const domain: DomainMetrics = {
    webhookDelivery: (outcome) => webhookDeliveries.inc({ outcome }),
    draftCreated: (draft) =>
      draftsCreated.inc({ decision: draft.kind, grounded: draft.grounded ? 'yes' : 'no' }),
    draftApproved: (by) => draftsApproved.inc({ by }),
    draftFinished: (state) => draftsFinished.inc({ state }),
    escalation: (reason) => escalations.inc({ reason }),
    sendFailed: (kind) => sendsFailed.inc({ kind }),
    modelCall: (model, outcome, seconds) => modelCalls.observe({ model, outcome }, seconds),
    tokenRefresh: (outcome) => tokenRefreshes.inc({ outcome }),
  };

  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
      registers,
    }),
    /** What avito, rag and the responder report to. */
    domain,
    /** Sets how the queue gauges are read on each scrape (the composition root knows the store and jobs). */
    observeQueues(read: () => Promise<QueueSnapshot[]>): void {
      readQueues = read;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
