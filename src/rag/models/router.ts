import type { DomainMetrics } from '../../domain-metrics.js';
import { backoffDelay, sleep } from '../../lib/retry.js';
import type { Logger } from '../../logger.js';
import { ModelUnavailableError } from '../errors.js';
import type { RetryPolicy } from '../retry-policy.js';
import { type BreakerPolicy, CircuitBreaker } from './breaker.js';
import {
  type ChatTurn,
  type GivenPassage,
  isRetryable,
  type JsonAnswer,
  type LlmProvider,
  type ModelAdapter,
  type ModelAlerts,
  type ModelFailure,
  type ModelOutput,
  needsOwner,
  type RetrievalStage,
} from './port.js';

/** What the answerer asks for one stage of the cascade. */
export interface ModelRequest {
  stage: RetrievalStage;
  turns: ChatTurn[];
  /** The system instruction; with the given passages for a provider that does not retrieve itself. */
  system(passages: readonly GivenPassage[] | null): string;
  /** The local index's passages for the stage: looked up once, when the first such provider needs them. */
  passages(): Promise<GivenPassage[]>;
}

/** A request without retrieval (the buyer's brief): the model reads only the system instruction and turns. */
export interface PlainRequest {
  system: string;
  turns: ChatTurn[];
  json?: JsonAnswer;
}

/** Either kind, as the providers' loop takes it. */
type RoutedRequest =
  | (ModelRequest & { json?: undefined })
  | { stage: null; turns: ChatTurn[]; system(): string; json?: JsonAnswer };

/** A model's answer with who wrote it. */
export interface ModelAnswer extends ModelOutput {
  provider: LlmProvider;
  model: string;
}

/** How a provider is doing, for `/ready` and `/status`. */
export interface ProviderStatus {
  provider: LlmProvider;
  /** `paused`: the circuit breaker skips it until `reopensAt`. */
  state: 'ok' | 'degraded' | 'paused';
  lastError: { kind: ModelFailure['kind']; message: string; at: Date } | null;
  reopensAt: Date | null;
}

/** The router's collaborators and policies. */
export interface RouterDeps {
  /** In LLM_PROVIDERS order. */
  adapters: readonly ModelAdapter[];
  logger: Logger;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Per request. */
  timeoutMs: number;
  /** Told once per provider and problem when the owner must act (quota, refused key). */
  alerts?: ModelAlerts;
  /** Each request (every retry counts) is timed here for `/metrics`. */
  metrics?: Pick<DomainMetrics, 'modelCall'>;
  now?: () => number;
}

type Turn = { ok: true; answer: ModelAnswer } | { ok: false; failure: ModelFailure; model: string };

const PROVIDER_LABEL: Record<LlmProvider, string> = {
  gemini: 'Gemini',
  openai: 'OpenAI-compatible API',
  anthropic: 'Anthropic',
};

const alertKey = (provider: LlmProvider, problem: 'quota' | 'auth') => `model:${provider}:${problem}`;

/**
 * Sends each request to the providers in order and returns the first answer. Inside a provider: its
 * models in order, each retried with backoff (or the server's delay) on 429, 5xx, 409, timeouts and
 * network errors, the next model on 404 or when the retries are used up. The next provider when all of a
 * provider's models failed, or at once on a quota or a refused key (the owner is alerted once). A bad
 * request (400, 413, 422) stops everything: another provider would refuse it too. A circuit breaker
 * skips a provider that keeps failing until a cool-down ends, then lets one probe through.
 */
export class ModelRouter {
  private readonly breakers = new Map<LlmProvider, CircuitBreaker>();
  private readonly lastErrors = new Map<LlmProvider, ProviderStatus['lastError']>();
  /** Alert keys raised in this process, and providers whose old alerts were cleared after a success. */
  private readonly alerted = new Set<string>();
  private readonly cleared = new Set<LlmProvider>();
  private readonly now: () => number;

  constructor(private readonly deps: RouterDeps) {
    this.now = deps.now ?? Date.now;
    for (const a of deps.adapters) this.breakers.set(a.provider, new CircuitBreaker(deps.breaker, this.now));
  }

  get providers(): LlmProvider[] {
    return this.deps.adapters.map((a) => a.provider);
  }

  /**
   * The first answer for `req`, or null when a provider that needs the local index's passages found none
   * (nothing to answer from at this stage). Throws {@link ModelUnavailableError} when no model answered.
   */
  async generate(req: ModelRequest): Promise<ModelAnswer | null> {
    return this.route(req);
  }

  /**
   * The first answer to a request without retrieval, through the same providers, retries, breaker and owner
   * alerts as the answers. Throws {@link ModelUnavailableError} when no model answered.
   */
  async complete(req: PlainRequest): Promise<ModelAnswer> {
    const answer = await this.route({
      stage: null,
      turns: req.turns,
      system: () => req.system,
      json: req.json,
    });
    if (!answer)
      throw new Error('ModelRouter.complete: a request without retrieval ends in an answer or an error');
    return answer;
  }

  private async route(req: RoutedRequest): Promise<ModelAnswer | null> {
    const { logger } = this.deps;
    let passages: Promise<GivenPassage[]> | undefined;
    let last: { provider: LlmProvider; model: string; failure: ModelFailure } | undefined;
    const paused: LlmProvider[] = [];
    for (const adapter of this.deps.adapters) {
      const breaker = this.breakers.get(adapter.provider)!;
      if (!breaker.tryAcquire()) {
        paused.push(adapter.provider);
        logger.debug({ provider: adapter.provider }, 'provider skipped: circuit open');
        continue;
      }
      let given: GivenPassage[] = [];
      if (!adapter.retrievesItself && req.stage !== null) {
        try {
          given = await (passages ??= req.passages());
        } catch (err) {
          breaker.released();
          throw err;
        }
        if (given.length === 0) {
          breaker.released();
          return null;
        }
      }
      const turn = await this.turn(adapter, req, given);
      if (turn.ok) {
        breaker.succeeded();
        await this.clearAlerts(adapter.provider);
        return turn.answer;
      }
      last = { provider: adapter.provider, model: turn.model, failure: turn.failure };
      if (turn.failure.kind === 'rejected') {
        breaker.released();
        throw this.unavailable(last);
      }
      breaker.failed(needsOwner(turn.failure.kind));
      if (needsOwner(turn.failure.kind)) await this.alertOwner(adapter.provider, turn.failure);
      const next = this.deps.adapters[this.deps.adapters.indexOf(adapter) + 1]?.provider;
      logger.warn(
        { provider: adapter.provider, kind: turn.failure.kind, next, circuit: breaker.state },
        'model provider failed',
      );
    }
    if (last) throw this.unavailable(last);
    throw new ModelUnavailableError(
      'unavailable',
      `every model provider is paused after repeated failures (${paused.join(', ')}); they are tried again after a cool-down`,
      null,
    );
  }

  /** Each provider's health and circuit, for `/ready`. */
  status(): ProviderStatus[] {
    return this.deps.adapters.map((a) => {
      const breaker = this.breakers.get(a.provider)!;
      const lastError = this.lastErrors.get(a.provider) ?? null;
      const reopensAt = breaker.reopensAt;
      return {
        provider: a.provider,
        state: breaker.state === 'open' ? 'paused' : lastError ? 'degraded' : 'ok',
        lastError,
        reopensAt: reopensAt === null ? null : new Date(reopensAt),
      };
    });
  }

  /** One provider's turn: its models in order, each with retries. */
  private async turn(adapter: ModelAdapter, req: RoutedRequest, given: GivenPassage[]): Promise<Turn> {
    const { retry, logger } = this.deps;
    const system = req.system(adapter.retrievesItself ? null : given);
    let failure: ModelFailure | undefined;
    let failedModel = adapter.models[0] ?? '';
    for (const model of adapter.models) {
      failedModel = model;
      for (let attempt = 1; ; attempt++) {
        const signal = AbortSignal.timeout(this.deps.timeoutMs);
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const output = await adapter.generate(
            {
              model,
              system,
              turns: req.turns,
              stage: req.stage,
              signal,
              ...(req.json ? { json: req.json } : {}),
            },
            given,
          );
          this.deps.metrics?.modelCall(model, 'ok', seconds());
          adapter.health?.succeeded();
          this.lastErrors.delete(adapter.provider);
          const passages = adapter.retrievesItself ? output.passages : given;
          return { ok: true, answer: { ...output, passages, provider: adapter.provider, model } };
        } catch (err) {
          failure = signal.aborted
            ? {
                kind: 'timeout',
                status: undefined,
                retryAfterMs: undefined,
                message: `no answer in ${this.deps.timeoutMs} ms`,
              }
            : adapter.classify(err);
          this.deps.metrics?.modelCall(model, failure.kind, seconds());
          adapter.health?.failed(failure.kind, failure.message);
          this.lastErrors.set(adapter.provider, {
            kind: failure.kind,
            message: failure.message,
            at: new Date(this.now()),
          });
          const wait = failure.retryAfterMs;
          const retryHere =
            isRetryable(failure.kind) &&
            attempt < retry.maxAttempts &&
            !(wait !== undefined && wait > retry.maxServerDelayMs);
          logger.warn(
            {
              provider: adapter.provider,
              model,
              attempt,
              kind: failure.kind,
              status: failure.status,
              retryAfterMs: wait,
              retry: retryHere,
            },
            'model call failed',
          );
          if (failure.kind === 'rejected' || needsOwner(failure.kind)) return { ok: false, failure, model };
          if (!retryHere) break;
          await sleep(wait ?? backoffDelay(attempt, retry.baseDelayMs, retry.maxDelayMs));
        }
      }
    }
    return {
      ok: false,
      model: failedModel,
      failure: failure ?? {
        kind: 'rejected',
        status: undefined,
        retryAfterMs: undefined,
        message: 'no model configured',
      },
    };
  }

  private unavailable(last: { provider: LlmProvider; model: string; failure: ModelFailure }) {
    const { failure } = last;
    const status = failure.status ? ` ${failure.status}` : '';
    return new ModelUnavailableError(
      failure.kind,
      `${PROVIDER_LABEL[last.provider]} (${last.model}) failed (${failure.kind}${status}): ${failure.message}`,
      last.provider,
    );
  }

  private async alertOwner(provider: LlmProvider, failure: ModelFailure): Promise<void> {
    const problem = failure.kind === 'auth' ? 'auth' : 'quota';
    const key = alertKey(provider, problem);
    // Once until the provider answers again (the notifier also keeps it once across restarts).
    if (this.alerted.has(key)) return;
    this.alerted.add(key);
    try {
      await this.deps.alerts?.alert(key, {
        kind: 'model-provider',
        provider,
        problem,
        reason: failure.message,
      });
    } catch (err) {
      // Not told: the next failure tries again.
      this.alerted.delete(key);
      this.deps.logger.warn({ err, alert: key }, 'could not alert the owner about a model provider');
    }
  }

  /** The provider answers again: its alerts may be sent again next time (after a restart too). */
  private async clearAlerts(provider: LlmProvider): Promise<void> {
    const keys = (['quota', 'auth'] as const).map((p) => alertKey(provider, p));
    const due = this.cleared.has(provider) ? keys.filter((k) => this.alerted.has(k)) : keys;
    this.cleared.add(provider);
    for (const key of due) {
      this.alerted.delete(key);
      try {
        await this.deps.alerts?.resolve(key);
      } catch (err) {
        this.deps.logger.debug({ err, alert: key }, 'could not clear a model provider alert');
      }
    }
  }
}
