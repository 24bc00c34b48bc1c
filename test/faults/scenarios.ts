/**
 * The fault scenarios of issues #7 and #15, parameterised by size: `test/faults/*.test.ts` runs them small,
 * `npm run chaos` (scripts/chaos.ts) runs them full size. Each scenario drives the real service (a child
 * process) against the simulators, checks its invariants and returns its figures and the problems found.
 * No scenario moves a clock: what the service does after a fault, it does in real time.
 */
import { fileURLToPath } from 'node:url';
import type { WebhookDelivery, WebhookEnvelope } from '../../sim/avito/index.js';
import { pollUntil } from '../../sim/common/wait.js';
import { limitFileSize } from '../support/file-size-limit.js';
import { QUESTIONS, type Stack, type StackOptions, sleep, startStack } from './harness.js';
import { fuzzRequests, type FuzzRequest } from './fuzz.js';

export type Figures = Record<string, number | string>;

/** What a scenario measured and which invariants failed (empty `problems` = passed). */
export interface ScenarioResult {
  name: string;
  figures: Figures;
  problems: string[];
}

/** Collects figures and failed checks; `print` logs one line for CI output. */
class Run {
  readonly figures: Figures = {};
  readonly problems: string[] = [];
  private readonly started = Date.now();

  constructor(readonly name: string) {}

  set(values: Figures): void {
    Object.assign(this.figures, values);
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }

  finish(): ScenarioResult {
    this.figures.totalMs = Date.now() - this.started;
    const line = Object.entries(this.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `[faults] ${this.name}: ${line}${this.problems.length ? ` PROBLEMS: ${this.problems.join('; ')}` : ''}`,
    );
    return { name: this.name, figures: this.figures, problems: this.problems };
  }
}

/** Seeded PRNG so a run repeats. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)] as T;

/** Work jobs still due, running (perhaps waiting for its chat's lease), or held by a lock (of a killed process, say). */
const ACTIVE_JOBS_SQL = `SELECT COUNT(*) AS n FROM agenda_jobs
  WHERE name IN ('respond', 'deliver', 'avito-inbound', 'reconcile-draft')
    AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)`;

/**
 * Waits until the service is quiet: `buyerMessages` stored, no pending event, no draft on its way
 * (approved/sending), no work job due, and that twice in a row. Returns how long it took.
 */
async function settle(stack: Stack, buyerMessages: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let quietSince = 0;
  await pollUntil(
    () => {
      const quiet =
        stack.store.count("SELECT COUNT(*) AS n FROM messages WHERE author = 'buyer'") >= buyerMessages &&
        stack.store.count("SELECT COUNT(*) AS n FROM events WHERE status = 'pending'") === 0 &&
        stack.store.count("SELECT COUNT(*) AS n FROM drafts WHERE status IN ('approved', 'sending')") === 0 &&
        stack.store.count(ACTIVE_JOBS_SQL) === 0;
      if (!quiet) quietSince = 0;
      else quietSince ||= Date.now();
      return quiet && Date.now() - quietSince >= 1500;
    },
    { timeoutMs: timeoutMs, intervalMs: 250, what: 'the service to settle' },
  );
  return Date.now() - started - 1500;
}

/** Chats with their buyer, spread over a few listings (one chat per buyer and listing). */
function chatPlan(stack: Stack, chats: number): Array<{ itemId: number; buyer: string }> {
  const listings = Array.from({ length: Math.min(5, chats) }, (_, i) =>
    stack.avito.seedListing({ title: `Диван угловой ${i + 1}`, price: 40_000 + i * 1000 }),
  );
  return Array.from({ length: chats }, (_, i) => ({
    itemId: listings[i % listings.length]!.id,
    buyer: `Покупатель ${i + 1}`,
  }));
}

/**
 * Starts the service, waits for the knowledge folder to be synced (so answers are grounded) and seeds the
 * listings of `chats` chats: the common start of every answering scenario.
 */
async function startAnswering(
  stack: Stack,
  chats: number,
): Promise<Array<{ itemId: number; buyer: string }>> {
  await stack.startService();
  await pollUntil(() => stack.service?.logs.some((l) => l.msg === 'documents folder synced'), {
    timeoutMs: 30_000,
    what: 'the documents folder to be synced',
  });
  return chatPlan(stack, chats);
}

/**
 * Per stored buyer message: answered exactly once (one sent draft covers it), by a draft generated after the
 * message arrived. With `ownerMayHold`, a message the owner sees instead (an escalation, a draft held for review,
 * a failed delivery) also counts as handled; never one that nobody answered or saw.
 */
function checkEveryMessage(run: Run, stack: Stack, ownerMayHold: boolean): void {
  const drafts = stack.store.drafts();
  const messages = stack.store.buyerMessages();
  let once = 0;
  let twice = 0;
  let olderDraft = 0;
  let heldForOwner = 0;
  const held: string[] = [];
  const unanswered: string[] = [];
  for (const m of messages) {
    const covering = drafts.filter((d) => d.covers.includes(m.id));
    const sent = covering.filter((d) => d.status === 'sent');
    if (sent.length > 1) twice += 1;
    else if (sent.length === 1) {
      if (sent[0]!.createdAt < m.arrivedAt) olderDraft += 1;
      else once += 1;
    } else if (covering.some((d) => d.status === 'pending' || d.status === 'failed')) {
      heldForOwner += 1;
      held.push(...covering.map((d) => `${d.kind} ${d.status}`));
    } else unanswered.push(m.id);
  }
  run.set({
    buyerMessages: messages.length,
    answeredOnce: once,
    answeredTwice: twice,
    answeredByOlderDraft: olderDraft,
    heldForOwner,
    unansweredMessages: unanswered.length,
  });
  run.check(twice === 0, `${twice} buyer messages answered twice`);
  run.check(
    olderDraft === 0,
    `${olderDraft} buyer messages "answered" by a draft generated before they arrived`,
  );
  run.check(
    unanswered.length === 0,
    `${unanswered.length} buyer messages neither answered nor shown to the owner (e.g. ${unanswered.slice(0, 3).join(', ')})`,
  );
  if (!ownerMayHold)
    run.check(
      heldForOwner === 0,
      `${heldForOwner} buyer messages were not answered (held or failed; their drafts: ${held.join(', ')})`,
    );
}

/**
 * Answer invariants over the whole run: every send belongs to exactly one sent draft, every buyer message is
 * answered exactly once ({@link checkEveryMessage}), no draft is left on its way, and every chat ends answered,
 * escalated or failed.
 */
function checkAnswers(
  run: Run,
  stack: Stack,
  chatIds: readonly string[],
  options: { ownerMayHold?: boolean } = {},
): void {
  const drafts = stack.store.drafts();
  const sends = stack.avito.sentByApi();
  const sentDrafts = drafts.filter((d) => d.status === 'sent');
  const owner = new Map<string, string>();
  for (const d of sentDrafts) for (const id of d.sentMessageIds) owner.set(id, d.id);
  const unowned = sends.filter((s) => !owner.has(s.messageId));
  const repeatedIds = sends.length - new Set(sends.map((s) => s.messageId)).size;
  const covered = new Map<string, number>();
  for (const d of sentDrafts) for (const id of d.covers) covered.set(id, (covered.get(id) ?? 0) + 1);
  const doubleAnswered = [...covered.values()].filter((n) => n > 1).length;
  const perChat = new Map<string, number>();
  for (const s of sends) perChat.set(s.chatId, (perChat.get(s.chatId) ?? 0) + 1);
  const roundsPerChat = new Map<string, number>();
  for (const d of sentDrafts)
    roundsPerChat.set(d.chatId, (roundsPerChat.get(d.chatId) ?? 0) + d.sentMessageIds.length);
  const overRounds = [...perChat].filter(([chat, n]) => n > (roundsPerChat.get(chat) ?? 0)).length;
  const endState = (chat: string) => {
    const mine = drafts.filter((d) => d.chatId === chat);
    if (mine.some((d) => d.status === 'sent')) return 'answered';
    if (mine.some((d) => d.kind === 'escalation' && d.status === 'pending')) return 'escalated';
    if (mine.some((d) => d.status === 'failed' || d.status === 'pending')) return 'failed-visible';
    return 'unanswered';
  };
  const states = chatIds.map(endState);
  const count = (s: string) => states.filter((x) => x === s).length;
  run.set({
    sends: sends.length,
    sentDrafts: sentDrafts.length,
    maxSendsPerChat: Math.max(0, ...perChat.values()),
    drafts: drafts.length,
    answered: count('answered'),
    escalated: count('escalated'),
    failedVisible: count('failed-visible'),
    unanswered: count('unanswered'),
    stuckDrafts: drafts.filter((d) => d.status === 'approved' || d.status === 'sending').length,
  });
  run.check(unowned.length === 0, `${unowned.length} sends belong to no sent draft (double send)`);
  run.check(repeatedIds === 0, `${repeatedIds} Avito message ids repeated`);
  run.check(doubleAnswered === 0, `${doubleAnswered} buyer messages answered twice`);
  run.check(overRounds === 0, `${overRounds} chats got more sends than answer rounds`);
  run.check(count('unanswered') === 0, `${count('unanswered')} chats ended unanswered`);
  checkEveryMessage(run, stack, options.ownerMayHold ?? true);
}

/** Records when each new send reaches Avito (polled every 100 ms) until `stop`. */
function watchSends(stack: Stack): { stop(): number[] } {
  const times: number[] = [];
  let seen = stack.avito.sentByApi().length;
  const timer = setInterval(() => {
    const now = stack.avito.sentByApi().length;
    for (; seen < now; seen += 1) times.push(Date.now());
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return times;
    },
  };
}

/** The longest stretch without a send from `from` to `to`, given the send times in between. */
function longestSilence(from: number, times: readonly number[], to: number): number {
  let longest = 0;
  let last = from;
  for (const t of [...times, to]) {
    longest = Math.max(longest, t - last);
    last = t;
  }
  return longest;
}

/** More error lines than this in one run of a scenario is a storm (one per failure instead of one per fault). */
const MAX_ERROR_LINES = 10;

/**
 * Common end-of-run checks: the child is alive, ready, logged no 5xx request failure and no error storm.
 * `errorStorm: false` where every error line stands for a distinct failure (fuzzing: a draft for each accepted
 * body, to chats Avito does not know, fails on its own).
 */
async function checkHealthy(run: Run, stack: Stack, options: { errorStorm?: boolean } = {}): Promise<void> {
  const svc = stack.service;
  const ready = svc ? await svc.readyStatus() : 0;
  const failedRequests = svc?.logs.filter((l) => l.msg === 'request failed').length ?? 0;
  const errors = svc?.errors() ?? [];
  run.set({ errorLogs: errors.length, ready });
  run.check(svc?.alive ?? false, 'the service process died');
  run.check(ready === 200, `/ready answered ${ready}`);
  run.check(failedRequests === 0, `${failedRequests} requests failed with 5xx`);
  run.check(
    options.errorStorm === false || errors.length <= MAX_ERROR_LINES,
    `${errors.length} error lines (a storm): ${[...new Set(errors.map((l) => l.msg))].slice(0, 5).join(' | ')}`,
  );
}

/** POSTs a delivery's envelope exactly as the Avito simulator does; resolves with the status (0 = no answer). */
async function postEnvelope(url: string, envelope: WebhookEnvelope, timeoutMs = 30_000): Promise<number> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const buyerIdsOf = (deliveries: readonly WebhookDelivery[]) =>
  new Set(
    deliveries
      .filter((d) => d.envelope.payload.value.author_id !== d.envelope.payload.value.user_id)
      .map((d) => d.envelope.payload.value.id),
  );

// ---------------------------------------------------------------------------------------------------------

export interface DuplicatesSize {
  /** Webhook deliveries in all (distinct messages + duplicates + redeliveries). */
  events: number;
  chats: number;
  /** Share of `events` that are duplicates or redeliveries. Default 0.3. */
  extraShare?: number;
}

/** Runs a scenario body on a fresh stack: an error becomes a failed check, the stack always closes. */
async function withStack(
  run: Run,
  options: StackOptions,
  body: (stack: Stack) => Promise<void>,
): Promise<ScenarioResult> {
  const stack = await startStack(options);
  try {
    await body(stack);
  } catch (err) {
    run.check(false, `scenario error: ${String(err)}`);
  } finally {
    await stack.close();
  }
  return run.finish();
}

/**
 * 1. Duplicates & order: distinct buyer messages over many chats, ~30 % exact duplicates (`duplicateNext`)
 * and redeliveries (same envelope POSTed again, concurrently), all held and released in shuffled order.
 */
export async function duplicatesAndOrder(size: DuplicatesSize): Promise<ScenarioResult> {
  const run = new Run('duplicates-and-order');
  const rnd = random(7);
  // No debounce: every stored message starts an answer round at once, racing the late and repeated ones.
  return withStack(run, { env: { DEBOUNCE_SECONDS: '0' } }, async (stack) => {
    const plan = await startAnswering(stack, size.chats);
    const extras = Math.round(size.events * (size.extraShare ?? 0.3));
    const distinct = size.events - extras;
    const duplicates = Math.floor(extras / 2);
    const redeliveries = extras - duplicates;
    const dupAt = new Set<number>();
    while (dupAt.size < duplicates) dupAt.add(Math.floor(rnd() * distinct));

    stack.avito.holdDeliveries();
    const chatIds = new Set<string>();
    for (let i = 0; i < distinct; i += 1) {
      if (dupAt.has(i)) stack.avito.duplicateNext(1);
      const chat = plan[i % plan.length]!;
      const written = await stack.avito.buyerWrites({
        itemId: chat.itemId,
        buyer: { name: chat.buyer },
        text: `${pick(QUESTIONS, rnd)} (${i})`,
      });
      chatIds.add(written.chatId);
    }
    const firstCopies = stack.avito.deliveries.filter((d) => !d.duplicateOf);
    const again = Array.from({ length: redeliveries }, () => pick(firstCopies, rnd));

    const started = Date.now();
    const statuses: number[] = [];
    // The sim releases its held copies one by one in shuffled order while we redeliver concurrently.
    const [released] = await Promise.all([
      stack.avito.releaseDeliveries({ order: 'shuffle' }),
      (async () => {
        const queue = [...again];
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            for (let d = queue.shift(); d; d = queue.shift())
              statuses.push(await postEnvelope(d.url, d.envelope));
          }),
        );
      })(),
    ]);
    const intakeMs = Date.now() - started;
    const deliveryStatuses = released.flatMap((d) => d.attempts.map((a) => a.status ?? 0));
    const all = [...deliveryStatuses, ...statuses];
    const non2xx = all.filter((s) => s < 200 || s > 299).length;
    const buyerIds = buyerIdsOf(stack.avito.deliveries);
    const settleMs = await settle(stack, buyerIds.size, 180_000);

    const storedIds = new Set(stack.store.buyerMessageIds());
    const missing = [...buyerIds].filter((id) => !storedIds.has(id)).length;
    const events = stack.store.count('SELECT COUNT(*) AS n FROM events');
    const envelopes = new Set(stack.avito.deliveries.map((d) => d.envelope.id)).size;
    run.set({
      posted: released.length + again.length,
      distinct,
      duplicates,
      redeliveries,
      chats: chatIds.size,
      non2xx,
      intakeMs,
      settleMs,
      storedEvents: events,
      storedBuyerMessages: storedIds.size,
    });
    run.check(
      non2xx === 0,
      `${non2xx} webhook deliveries were not answered 2xx (${all.filter((st) => st < 200 || st > 299).join(',')}; ${stack.service?.logs
        .filter((l) => l.level >= 40)
        .map((l) => `${l.msg} ${String((l.err as { message?: string } | undefined)?.message ?? '')}`)
        .slice(0, 5)
        .join(' | ')})`,
    );
    run.check(events === envelopes, `${events} events stored for ${envelopes} distinct envelopes`);
    run.check(
      storedIds.size === buyerIds.size,
      `${storedIds.size} buyer messages stored of ${buyerIds.size}`,
    );
    run.check(missing === 0, `${missing} buyer messages lost`);
    checkAnswers(run, stack, [...chatIds], { ownerMayHold: false });
    await checkHealthy(run, stack);
  });
}

// ---------------------------------------------------------------------------------------------------------

export interface CrashSize {
  chats: number;
}

/**
 * 2. kill -9 mid-flight: buyers write to `chats` chats while Gemini and Avito sends are slow; the service is
 * SIGKILLed with answers being drafted and sent, then restarted on the same DATA_DIR at once. No clock is moved:
 * the work the dead process held must resume within seconds of the restart (its job locks lapse with their
 * lease; a draft it left in `sending` is settled against the chat), and nothing may be sent twice. Reports how
 * long the buyers waited: from the kill to the first answer sent again, and the longest silence until all are.
 */
export async function killMidFlight(size: CrashSize): Promise<ScenarioResult> {
  const run = new Run('kill-9-mid-flight');
  const rnd = random(11);
  return withStack(run, {}, async (stack) => {
    const plan = await startAnswering(stack, size.chats);
    const isSend = (req: { method?: string }, path: string) =>
      req.method === 'POST' && /\/chats\/[^/]+\/messages$/.test(path);
    const sendLatencyMs: [number, number] = [300, 2500];
    stack.avito.faults.add({ match: isSend, fault: { kind: 'latency', ms: sendLatencyMs } });
    stack.gemini.faults.add({ match: 'generateContent', fault: { kind: 'latency', ms: [100, 1500] } });

    // Buyers keep writing over ~6 s, so the kill also catches webhooks in flight.
    const chatIds: string[] = [];
    const gapMs = Math.max(2, Math.round(6000 / size.chats));
    const writing = Promise.all(
      plan.map(async (c, i) => {
        await sleep(i * gapMs);
        const w = await stack.avito.buyerWrites({
          itemId: c.itemId,
          buyer: { name: c.buyer },
          text: pick(QUESTIONS, rnd),
        });
        chatIds.push(w.chatId);
      }),
    );

    // Kill once a good share of sends is in progress and buyers are still writing. At most ten: delivery runs
    // twenty at a time, and waiting for all twenty slots to be busy at one instant depends on the machine's speed.
    const wantSending = Math.max(2, Math.min(10, Math.floor(size.chats / 10)));
    await pollUntil(
      () => stack.store.count("SELECT COUNT(*) AS n FROM drafts WHERE status = 'sending'") >= wantSending,
      { timeoutMs: 60_000, intervalMs: 20, what: 'drafts in sending' },
    );
    const victim = stack.service!;
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    const drafts = stack.store.drafts();
    const storedAtKill = stack.store.count("SELECT COUNT(*) AS n FROM messages WHERE author = 'buyer'");
    const chatsWithDraft = new Set(drafts.map((d) => d.chatId));
    run.set({
      chats: size.chats,
      atKillStored: storedAtKill,
      atKillWritten: chatIds.length,
      atKillNoDraftYet: storedAtKill - chatsWithDraft.size,
      atKillSending: drafts.filter((d) => d.status === 'sending').length,
      atKillApproved: drafts.filter((d) => d.status === 'approved').length,
      atKillSent: drafts.filter((d) => d.status === 'sent').length,
      atKillSends: stack.avito.sentByApi().length,
    });

    const sendsAfterKill = watchSends(stack);
    const lockedAtKill = stack.store.count(
      'SELECT COUNT(*) AS n FROM agenda_jobs WHERE locked_at IS NOT NULL',
    );
    const svc = await stack.startService();
    const restartMs = Date.now() - killedAt;
    await writing;
    // Avito gives up on a delivery after its retries: it delivers again later (we do it now).
    const failed = stack.avito.deliveries.filter((d) => d.state === 'failed');
    for (const d of failed) await stack.avito.redeliver(d.id);
    const buyerIds = buyerIdsOf(stack.avito.deliveries);
    // Within a minute: the old two-minute lock lifetime and sending sweep would not make it.
    const settleMs = await settle(stack, buyerIds.size, 60_000);
    const settledAt = Date.now() - 1500;
    const sendTimes = sendsAfterKill.stop().filter((t) => t <= settledAt);

    const storedIds = new Set(stack.store.buyerMessageIds());
    const lost = [...buyerIds].filter((id) => !storedIds.has(id)).length;
    const sends = stack.avito.sentByApi();
    const sameTextTwice = sends.length - new Set(sends.map((s) => `${s.chatId}\n${s.text}`)).size;
    run.set({
      locksAtKill: lockedAtKill,
      restartMs,
      redeliveredAfterRestart: failed.length,
      resumedSends: svc.logs.filter(
        (l) => l.msg === 'delivery resumed after an interrupted send; checking the chat',
      ).length,
      reconciledSent: svc.logs.filter((l) => l.msg === 'reconciled: the draft had reached the buyer').length,
      reconciledRequeued: svc.logs.filter((l) => l.msg === 'reconciled: not in the chat, delivering again')
        .length,
      sendsAfterKill: sendTimes.length,
      firstSendAfterKillMs: sendTimes.length ? sendTimes[0]! - killedAt : -1,
      recoveryMs: settledAt - killedAt,
      longestSilenceMs: longestSilence(killedAt, sendTimes, settledAt),
      settleMs,
      lost,
      sameTextTwice,
    });
    run.check(lost === 0, `${lost} buyer messages lost`);
    run.check(sameTextTwice === 0, `${sameTextTwice} chats got the same answer twice`);
    checkAnswers(run, stack, [...new Set(chatIds)], { ownerMayHold: false });
    await checkHealthy(run, stack);
  });
}

// ---------------------------------------------------------------------------------------------------------

export interface DependencySize {
  chats: number;
  /** Injected failures per kind (500s, 429s, …); a burst hits that many calls in a row. */
  burst: number;
  /** Avito sends that time out (latency above the client's 15 s); each costs ~25 s of wall time. */
  sendTimeouts: number;
  /** How long the Avito token endpoint is down (a persistent failure the owner must see once). */
  outageMs: number;
}

/**
 * 3. Dependency faults: Avito 500/429 bursts and timeouts on sends and reads plus a token outage, Telegram
 * 429 with retry_after, Gemini 429/503 and slow answers. Everything completes after recovery and the owner
 * hears about the outage once.
 */
export async function dependencyFaults(size: DependencySize): Promise<ScenarioResult> {
  const run = new Run('dependency-faults');
  const rnd = random(13);
  return withStack(run, {}, async (stack) => {
    const plan = await startAnswering(stack, size.chats);
    const { avito, gemini, telegram } = stack;
    const alertsBefore = telegram
      .chat(telegram.user.id)
      .messages.filter((m) => m.from?.id === telegram.bot.id && m.text?.startsWith('⚠️ Avito:')).length;
    const ownerBefore = stack.ownerMessages();

    const isSend = (req: { method?: string }, path: string) =>
      req.method === 'POST' && /\/chats\/[^/]+\/messages$/.test(path);
    const isRead = (req: { method?: string }, path: string) =>
      req.method === 'GET' && /\/messenger\/v\d\/accounts\/\d+\/chats\//.test(path);
    const b = size.burst;
    avito.faults.add({ match: isSend, fault: { kind: 'latency', ms: 16_000 }, times: size.sendTimeouts });
    avito.faults.add({ match: isSend, fault: { kind: 'status', status: 500 }, times: b });
    avito.faults.add({ match: isSend, fault: { kind: 'status', status: 429, retryAfter: 1 }, times: b });
    avito.faults.add({ match: isRead, fault: { kind: 'status', status: 500 }, times: b });
    avito.faults.add({ match: isRead, fault: { kind: 'status', status: 429, retryAfter: 1 }, times: b });
    avito.faults.add({ match: isRead, fault: { kind: 'latency', ms: 16_000 }, times: 1 });
    telegram.faults.add({
      match: 'sendMessage',
      fault: { kind: 'status', status: 429, retryAfter: 1 },
      times: b,
    });
    gemini.rateLimit({ retryAfter: 1, times: b });
    gemini.faults.add({ match: 'generateContent', fault: { kind: 'status', status: 503 }, times: b });
    gemini.faults.add({
      match: 'generateContent',
      fault: { kind: 'latency', ms: [200, 3000] },
      fraction: 0.5,
    });
    // A persistent failure: every token request fails until the outage ends.
    let outageEnd = Date.now() + size.outageMs;
    avito.expireTokens();
    avito.faults.add({
      match: (_req, path) => path.startsWith('/token') && Date.now() < outageEnd,
      fault: { kind: 'status', status: 503 },
    });

    const started = Date.now();
    const chatIds = new Set<string>();
    const queue = plan.map((c) => ({ ...c }));
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const w = await avito.buyerWrites({
            itemId: c.itemId,
            buyer: { name: c.buyer },
            text: pick(QUESTIONS, rnd),
          });
          chatIds.add(w.chatId);
        }
      }),
    );
    await pollUntil(() => Date.now() >= outageEnd, {
      timeoutMs: size.outageMs + 1000,
      what: 'the token outage to end',
    });
    outageEnd = 0;
    const buyerIds = buyerIdsOf(avito.deliveries);
    const settleMs = await settle(stack, buyerIds.size, 240_000);

    const alerts =
      telegram
        .chat(telegram.user.id)
        .messages.filter((m) => m.from?.id === telegram.bot.id && m.text?.startsWith('⚠️ Avito:')).length -
      alertsBefore;
    const drafts = stack.store.drafts();
    const tokenFailures = avito.calls.records.filter(
      (r) => r.path.startsWith('/token') && (r.status ?? 0) >= 500,
    ).length;
    run.set({
      chats: chatIds.size,
      burst: b,
      sendTimeouts: size.sendTimeouts,
      outageMs: size.outageMs,
      tokenFailures,
      avito5xx429: avito.calls.records.filter((r) => r.status === 500 || r.status === 429).length,
      gemini429_503: gemini.calls.records.filter((r) => r.status === 429 || r.status === 503).length,
      telegram429: telegram.calls.records.filter((r) => r.status === 429).length,
      groundedAnswers: drafts.filter((d) => d.kind === 'answer' && d.status === 'sent').length,
      fallbacks: drafts.filter((d) => d.kind === 'fallback' && d.status === 'sent').length,
      ownerMessages: stack.ownerMessages() - ownerBefore,
      ownerAlerts: alerts,
      completeMs: Date.now() - started,
      settleMs,
    });
    run.check(tokenFailures > 1, 'the token outage was not exercised');
    run.check(alerts >= 1, 'the owner was not told about the token outage');
    run.check(alerts <= 1, `the owner got ${alerts} alerts for one outage (flood)`);
    checkAnswers(run, stack, [...chatIds], { ownerMayHold: false });
    run.check(
      run.figures.answered === chatIds.size,
      `${chatIds.size - Number(run.figures.answered)} chats not answered after recovery`,
    );
    await checkHealthy(run, stack);
  });
}

// ---------------------------------------------------------------------------------------------------------

export interface FuzzSize {
  bodies: number;
  concurrency?: number;
}

/**
 * 4. Fuzzing: generated bodies (wrong types, huge and over-limit strings, deep nesting, invalid UTF-8,
 * missing fields, wrong content types, empty bodies) against both webhook routes: 2xx or 4xx only.
 */
export async function fuzzWebhooks(size: FuzzSize): Promise<ScenarioResult> {
  const run = new Run('fuzz-webhooks');
  return withStack(run, {}, async (stack) => {
    const svc = await stack.startService();
    const eventsBefore = stack.store.count('SELECT COUNT(*) AS n FROM events');
    const requests = fuzzRequests(size.bodies, 42);
    const byStatus = new Map<number, number>();
    const accepted = new Set<string>();
    let acceptedAvito = 0;
    const rejectedIds = new Set<string>();
    const samples5xx: string[] = [];
    const started = Date.now();
    const send = async (r: FuzzRequest) => {
      const url = r.route === 'avito' ? stack.webhookUrl : `${stack.url}/telegram/webhook`;
      let status = 0;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: r.headers,
          body: r.body,
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        // No answer at all: counted as status 0.
      }
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if ((status >= 500 || status === 0) && samples5xx.length < 5)
        samples5xx.push(`${r.route} ${r.kind} ${status}: ${Buffer.from(r.body).toString('utf8', 0, 120)}`);
      if (r.route === 'avito' && status === 200 && r.kind !== 'check') acceptedAvito += 1;
      if (r.route === 'avito' && r.envelopeId) (status === 200 ? accepted : rejectedIds).add(r.envelopeId);
    };
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: size.concurrency ?? 20 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await send(r);
      }),
    );
    const fuzzMs = Date.now() - started;
    const eventsAdded = stack.store.count('SELECT COUNT(*) AS n FROM events') - eventsBefore;
    const storedRejected = stack.store.read((db) => {
      const stmt = db.prepare('SELECT COUNT(*) AS n FROM events WHERE id = ?');
      return [...rejectedIds].filter(
        (id) => !accepted.has(id) && Number((stmt.get(id) as { n: number }).n) > 0,
      ).length;
    });
    const count = (lo: number, hi: number) =>
      [...byStatus].filter(([s]) => s >= lo && s <= hi).reduce((n, [, c]) => n + c, 0);
    run.set({
      bodies: requests.length,
      avito: requests.filter((r) => r.route === 'avito').length,
      telegram: requests.filter((r) => r.route === 'telegram').length,
      s2xx: count(200, 299),
      s4xx: count(400, 499),
      s5xx: count(500, 599),
      noAnswer: byStatus.get(0) ?? 0,
      statuses: [...byStatus.keys()].sort((a, b) => a - b).join('/'),
      eventsAdded,
      acceptedAvito,
      fuzzMs,
      reqPerSec: Math.round((requests.length / fuzzMs) * 1000),
    });
    run.check(count(500, 599) === 0, `5xx answers: ${samples5xx.join(' | ')}`);
    run.check((byStatus.get(0) ?? 0) === 0, `requests without an answer: ${samples5xx.join(' | ')}`);
    run.check(storedRejected === 0, `${storedRejected} rejected envelopes were stored`);
    run.check(
      eventsAdded <= acceptedAvito,
      `${eventsAdded} events stored for ${acceptedAvito} accepted bodies`,
    );
    run.check(svc.alive, 'the service crashed');
    await checkHealthy(run, stack, { errorStorm: false });
  });
}

// ---------------------------------------------------------------------------------------------------------

export interface StoreSize {
  /** Envelopes POSTed while the store is locked. */
  events: number;
}

/**
 * 5. Store unavailable: a second connection holds `BEGIN EXCLUSIVE` on the SQLite file; webhooks must get
 * 503 (so Avito retries) and nothing may be half-written. After unlocking, the redeliveries are stored and
 * answered once.
 */
export async function storeUnavailable(size: StoreSize): Promise<ScenarioResult> {
  const run = new Run('store-unavailable');
  const rnd = random(17);
  return withStack(run, {}, async (stack) => {
    const plan = await startAnswering(stack, size.events);
    stack.avito.holdDeliveries();
    for (const c of plan)
      await stack.avito.buyerWrites({
        itemId: c.itemId,
        buyer: { name: c.buyer },
        text: pick(QUESTIONS, rnd),
      });
    const held = stack.avito.deliveries.filter((d) => d.state === 'held');
    const heldIds = held.map((d) => d.envelope.payload.value.id);
    const storedOf = () =>
      stack.store.read((db) => {
        const stmt = db.prepare('SELECT COUNT(*) AS n FROM events WHERE message_id = ?');
        return heldIds.filter((id) => Number((stmt.get(id) as { n: number }).n) > 0).length;
      });

    // Every write of the service now waits out its busy timeout (5 s) and fails. node:sqlite is synchronous,
    // so the service's event loop stalls meanwhile: the lock is held until the first webhook is answered.
    const locker = stack.store.lock();
    const lockedAt = Date.now();
    const timings: number[] = [];
    const posts = held.map(async (d) => {
      const status = await postEnvelope(d.url, d.envelope, 120_000);
      timings.push(Date.now() - lockedAt);
      return status;
    });
    let firstStatus: number;
    let readyWhileLocked: number;
    try {
      firstStatus = await Promise.race(posts);
      readyWhileLocked = (await stack.service?.readyStatus()) ?? 0;
    } finally {
      locker.release();
    }
    const lockedMs = Date.now() - lockedAt;
    const statuses = await Promise.all(posts);
    const storedBeforeRedelivery = storedOf();

    // Avito delivers again: the held copies, then each once more (a duplicate of a stored event).
    const released = await stack.avito.releaseDeliveries();
    const again = await Promise.all(held.map((d) => postEnvelope(d.url, d.envelope)));
    const buyerIds = buyerIdsOf(stack.avito.deliveries);
    const settleMs = await settle(stack, buyerIds.size, 120_000);
    const stored = storedOf();
    const storedBuyer = stack.store.count("SELECT COUNT(*) AS n FROM messages WHERE author = 'buyer'");
    const releasedOk = released.filter((d) => d.state === 'delivered').length;
    run.set({
      events: held.length,
      lockedMs,
      firstAnswerMs: Math.min(...timings),
      lastAnswerMs: Math.max(...timings),
      while503: statuses.filter((s) => s === 503).length,
      while200: statuses.filter((s) => s === 200).length,
      readyWhileLocked,
      storedBeforeRedelivery,
      redelivered2xx: releasedOk + again.filter((s) => s === 200).length,
      storedEvents: stored,
      storedBuyerMessages: storedBuyer,
      settleMs,
    });
    run.check(
      firstStatus === 503,
      `the first webhook while locked was answered ${firstStatus} (expected 503)`,
    );
    run.check(
      statuses.every((s) => s === 503 || s === 200),
      `webhooks around the lock were answered ${statuses.join(',')} (expected 503 or 200)`,
    );
    run.check(releasedOk === held.length, `${held.length - releasedOk} redeliveries were not accepted`);
    run.check(stored === held.length, `${stored} events stored for ${held.length}`);
    run.check(storedBuyer === buyerIds.size, `${storedBuyer} buyer messages stored of ${buyerIds.size}`);
    checkAnswers(run, stack, [...new Set(held.map((d) => d.envelope.payload.value.chat_id))], {
      ownerMayHold: false,
    });
    await checkHealthy(run, stack);
  });
}

// ---------------------------------------------------------------------------------------------------------

export interface StorageFaultSize {
  /** Chats in all: half write before the fault, half while it lasts (each chat one question). */
  chats: number;
  /** How long the storage stays broken. */
  outageMs: number;
}

/** How the storage breaks and mends: a full disk or an I/O error. */
interface StorageFault {
  name: string;
  stack: StackOptions;
  break(stack: Stack): Promise<void>;
  mend(stack: Stack): Promise<void>;
}

/** The owner's alert about the storage (src/texts/, Russian). */
const STORAGE_ALERT = /Хранилище данных не принимает записи/;
/** More error lines than this during one outage is a storm. */
const MAX_ERROR_LINES_PER_OUTAGE = 5;

/**
 * 6/7. The storage fails under load: half the buyers write before the fault and are answered; the other half
 * write while it lasts. Meanwhile every webhook gets an answer (503 while nothing can be stored, so Avito
 * delivers again), `/health` answers at once, the service neither spins nor grows, it logs the outage a few times
 * at most and tells the owner once. After the storage is mended (and Avito has delivered again), every buyer
 * message is answered exactly once.
 */
async function storageFault(fault: StorageFault, size: StorageFaultSize): Promise<ScenarioResult> {
  const run = new Run(fault.name);
  const rnd = random(19);
  return withStack(run, fault.stack, async (stack) => {
    const plan = await startAnswering(stack, size.chats);
    const svc = stack.service!;
    const { telegram } = stack;
    const storageAlerts = () =>
      telegram
        .chat(telegram.user.id)
        .messages.filter((m) => m.from?.id === telegram.bot.id && STORAGE_ALERT.test(m.text ?? '')).length;
    const write = (c: { itemId: number; buyer: string }) =>
      stack.avito.buyerWrites({ itemId: c.itemId, buyer: { name: c.buyer }, text: pick(QUESTIONS, rnd) });
    const half = Math.ceil(plan.length / 2);
    const chatIds: string[] = [];
    for (const c of plan.slice(0, half)) chatIds.push((await write(c)).chatId);
    await settle(stack, half, 60_000);
    const rssBefore = svc.rssBytes();
    const errorsBefore = svc.errors().length;

    await fault.break(stack);
    const brokeAt = Date.now();
    const deliveriesBefore = stack.avito.deliveries.length;
    // Spread over the first half of the outage; each write resolves once Avito's delivery succeeded (its
    // retries outlast the outage) or gave up.
    const gapMs = size.outageMs / 2 / Math.max(1, plan.length - half);
    const writing = Promise.all(
      plan.slice(half).map(async (c, i) => {
        await sleep(i * gapMs);
        chatIds.push((await write(c)).chatId);
      }),
    );
    let healthWorstMs = 0;
    let rssPeak = rssBefore;
    while (Date.now() - brokeAt < size.outageMs) {
      healthWorstMs = Math.max(healthWorstMs, await svc.healthMs());
      rssPeak = Math.max(rssPeak, svc.rssBytes());
      await sleep(250);
    }
    await fault.mend(stack);
    const mendedAt = Date.now();
    await writing;
    const attempts = stack.avito.deliveries
      .slice(deliveriesBefore)
      .flatMap((d) => d.attempts.filter((a) => a.at >= brokeAt && a.at < mendedAt));
    const unanswered = attempts.filter((a) => a.status === undefined).length;
    const refused = attempts.filter((a) => a.status === 503).length;
    const other = attempts.filter((a) => a.status !== undefined && a.status !== 503 && a.status !== 200);
    // Avito gives up on a delivery after its retries and delivers it again later (we do it now).
    const failed = stack.avito.deliveries.filter((d) => d.state === 'failed');
    for (const d of failed) await stack.avito.redeliver(d.id);
    const buyerIds = buyerIdsOf(stack.avito.deliveries);
    const settleMs = await settle(stack, buyerIds.size, 120_000);
    const errorLines = svc.errors().slice(errorsBefore);
    const alerts = storageAlerts();
    run.set({
      chats: plan.length,
      outageMs: size.outageMs,
      attemptsDuringOutage: attempts.length,
      refused503: refused,
      unansweredRequests: unanswered,
      healthWorstMs,
      rssBeforeMb: Math.round(rssBefore / 1e6),
      rssPeakMb: Math.round(rssPeak / 1e6),
      redeliveredAfter: failed.length,
      errorLines: errorLines.length,
      storageLogLines: svc.logs.filter((l) => l.module === 'storage' && l.level >= 30).length,
      ownerStorageAlerts: alerts,
      recoveredMs: Date.now() - 1500 - mendedAt,
      settleMs,
    });
    run.check(refused > 0, 'no webhook was refused while the storage failed (the fault was not exercised)');
    run.check(unanswered === 0, `${unanswered} webhook requests got no answer while the storage failed`);
    run.check(
      other.length === 0,
      `webhooks answered ${other.map((a) => a.status).join(',')} while the storage failed (expected 503 or 200)`,
    );
    run.check(healthWorstMs < 2000, `/health took ${healthWorstMs} ms while the storage failed`);
    run.check(
      rssPeak - rssBefore < 150e6,
      `memory grew by ${Math.round((rssPeak - rssBefore) / 1e6)} MB while the storage failed`,
    );
    run.check(
      errorLines.length <= MAX_ERROR_LINES_PER_OUTAGE,
      `${errorLines.length} error lines for one outage (a storm): ${[...new Set(errorLines.map((l) => l.msg))].join(' | ')}`,
    );
    run.check(alerts === 1, `the owner got ${alerts} storage alerts for one outage (expected 1)`);
    checkAnswers(run, stack, [...new Set(chatIds)], { ownerMayHold: false });
    await checkHealthy(run, stack);
  });
}

/** The module that caps the service's SQLite files (see sqlite-page-cap.ts). */
const PAGE_CAP_MODULE = fileURLToPath(new URL('./sqlite-page-cap.ts', import.meta.url));
/** 12 MB of 4 KB pages: the size of the tmpfs the full disk was first seen on. */
const PAGE_CAP = 3000;

/**
 * 6. Disk full: the service's SQLite file may not grow past {@link PAGE_CAP} pages (as on a small disk). A filler
 * table written from outside takes the file to the cap; every write of the service that needs a new page then
 * fails with "database or disk is full". Dropping the filler and a VACUUM give the space back.
 */
export function diskFull(size: StorageFaultSize): Promise<ScenarioResult> {
  return storageFault(
    {
      name: 'disk-full',
      stack: { preload: [PAGE_CAP_MODULE], env: { SQLITE_PAGE_CAP: String(PAGE_CAP) } },
      async break(stack) {
        stack.store.write((db) => {
          db.exec('CREATE TABLE IF NOT EXISTS chaos_filler (id INTEGER PRIMARY KEY, b BLOB)');
          const insert = db.prepare('INSERT INTO chaos_filler (b) VALUES (zeroblob(?))');
          const value = (pragma: string) =>
            Number(Object.values(db.prepare(`PRAGMA ${pragma}`).get() ?? {})[0]);
          // Up to the cap, then the free pages too: nothing is left to the service.
          while (value('page_count') < PAGE_CAP) insert.run(64 * 1024);
          while (value('freelist_count') > 0) insert.run(1024);
        });
      },
      async mend(stack) {
        stack.store.write((db) => {
          db.exec('DROP TABLE chaos_filler');
          db.exec('VACUUM');
        });
      },
    },
    size,
  );
}

/**
 * 7. I/O error: every write of the service process fails (its file-size limit drops to one byte, so the disk
 * refuses each write with EFBIG: SQLite's "disk I/O error", at the commit of every transaction), then the limit
 * is lifted. Needs util-linux `prlimit`.
 */
export function ioError(size: StorageFaultSize): Promise<ScenarioResult> {
  return storageFault(
    {
      name: 'io-error',
      stack: {},
      async break(stack) {
        await limitFileSize(stack.service!.pid, 1);
      },
      async mend(stack) {
        await limitFileSize(stack.service!.pid, null);
      },
    },
    size,
  );
}
