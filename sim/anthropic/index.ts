import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallLog } from '../common/call-log.js';
import { FaultInjector, type FaultRule, seededRandom } from '../common/faults.js';
import { countTokens, passageModelReply, truncateTokens } from '../common/passage-model.js';
import { bodyForLog, idMaker, readRawBody, recordCall } from '../common/raw-http.js';
import { listen } from '../common/server.js';
import {
  AnthropicError,
  anthropicStatusRenderer,
  creditBalanceFault,
  invalidRequest,
  sendError,
  sendJson,
} from './errors.js';
import { MessagesSchema, parseBody } from './schemas.js';

export { AnthropicError, creditBalanceFault } from './errors.js';

/** Model ids the simulator knows by default. */
export const DEFAULT_MODELS = [
  'claude-haiku-4-5',
  'claude-sonnet-4-5',
  'claude-opus-4-1',
  'claude-3-5-haiku-latest',
];

/**
 * `anthropic-version` values accepted: the long-standing `2023-06-01` (key in `x-api-key`) and
 * `2026-10-21`, which the pinned `@anthropic-ai/sdk` (1.x) sends with the key as `Authorization: Bearer`
 * and without sampling parameters (its request types have no temperature, top_p, top_k).
 */
export const DEFAULT_VERSIONS = ['2023-01-01', '2023-06-01', '2026-10-21'];

/** Versions from which the key may come as a Bearer token and sampling parameters are gone. */
const BEARER_SINCE = '2026-10-21';

/** Behaviour knobs, changeable at run time through `sim.settings`. */
export interface AnthropicSimSettings {
  models: string[];
  versions: string[];
  /** Sentences an answer quotes at most. Default 2. */
  answerSentences: number;
  /** Largest request body (the Messages API allows 32 MB). */
  maxBodyBytes: number;
}

/** Options of startAnthropicSim; anything in AnthropicSimSettings can be given here too. */
export interface AnthropicSimOptions extends Partial<AnthropicSimSettings> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The only key accepted in `x-api-key`. Default `sim-anthropic-key`. */
  apiKey?: string;
  /** Seed for ids and fault fractions (default 1). */
  seed?: number;
}

/** What one message call saw and answered. */
export interface MessageTrace {
  model: string;
  system: string;
  question: string;
  passages: string[];
  answer: string;
  scripted: boolean;
}

/** A running Anthropic Messages API simulator. */
export interface AnthropicSim {
  /** Base URL for the SDK's `baseURL` and ANTHROPIC_BASE_URL (the SDK adds `/v1/messages`). */
  url: string;
  port: number;
  apiKey: string;
  calls: CallLog;
  /** Latency, drops and status faults in Anthropic's error shape (see also rateLimit(), overload()). */
  faults: FaultInjector;
  settings: AnthropicSimSettings;
  /** One entry per successful message. */
  messages: MessageTrace[];
  scriptNextAnswer(text: string): void;
  clearScriptedAnswers(): void;
  /** 429 `rate_limit_error` with `retry-after` on messages for `times` calls. */
  rateLimit(opts?: { retryAfter?: number; times?: number; match?: FaultRule['match'] }): void;
  /** 529 `overloaded_error` on messages for `times` calls. */
  overload(opts?: { times?: number }): void;
  /** The low-credit-balance 400 on every message call, or the next `times`. */
  exhaustCredits(opts?: { times?: number }): void;
  env(): Record<string, string>;
  reset(): void;
  close(): Promise<void>;
}

const MESSAGES = '/v1/messages';

const textOf = (content: string | Array<{ text: string }>) =>
  typeof content === 'string' ? content : content.map((b) => b.text).join('\n');

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Starts an Anthropic Messages API simulator on loopback for the official `@anthropic-ai/sdk`
 * (`new Anthropic({ apiKey: sim.apiKey, baseURL: sim.url })`): `POST /v1/messages` with the passage
 * model (see `sim/common/passage-model.ts`) and `GET /v1/models`; `x-api-key` and `anthropic-version`
 * required, `max_tokens` required, roles checked, errors in Anthropic's shape, usage, faults.
 */
export async function startAnthropicSim(opts: AnthropicSimOptions = {}): Promise<AnthropicSim> {
  const { port = 0, apiKey = 'sim-anthropic-key', seed = 1, ...overrides } = opts;
  const settings: AnthropicSimSettings = {
    models: [...DEFAULT_MODELS],
    versions: [...DEFAULT_VERSIONS],
    answerSentences: 2,
    maxBodyBytes: 32 * 1024 * 1024,
    ...overrides,
  };
  const randomId = idMaker(seededRandom(seed));
  const requestId = () => `req_011${randomId(21)}`;
  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  const renderer = anthropicStatusRenderer(requestId);
  const scripted: string[] = [];
  const traces: MessageTrace[] = [];

  /** Checks the key and the version; returns the version (request rules depend on it). */
  const checkHeaders = (req: IncomingMessage): string => {
    const headerKey = header(req, 'x-api-key');
    const bearer = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1]?.trim();
    const key = headerKey ?? bearer;
    if (!key) throw new AnthropicError(401, 'x-api-key header is required');
    if (key !== apiKey)
      throw new AnthropicError(401, headerKey ? 'invalid x-api-key' : 'invalid bearer token');
    const version = header(req, 'anthropic-version');
    if (!version) throw invalidRequest('anthropic-version: header is required');
    if (!settings.versions.includes(version)) {
      throw invalidRequest(`anthropic-version: invalid version ${JSON.stringify(version)}`);
    }
    if (!headerKey && version < BEARER_SINCE) {
      throw new AnthropicError(
        401,
        `invalid x-api-key: with anthropic-version ${version} the API key goes in the x-api-key header`,
      );
    }
    return version;
  };

  const json = (body: Buffer): unknown => {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidRequest('There was an issue with the format of your request: the body is not valid JSON');
    }
  };

  function messages(res: ServerResponse, raw: unknown, version: string): void {
    const body = parseBody(MessagesSchema, raw);
    if (version >= BEARER_SINCE) {
      const sampling = (['temperature', 'top_p', 'top_k'] as const).find((k) => body[k] !== undefined);
      if (sampling) throw invalidRequest(`${sampling}: Extra inputs are not permitted`);
    }
    if (body.messages.length === 0) throw invalidRequest('messages: at least one message is required');
    for (const [i, m] of body.messages.entries()) {
      if (m.role === 'system') {
        throw invalidRequest(
          'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
        );
      }
      if (m.role !== 'user' && m.role !== 'assistant') {
        throw invalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
      }
      if (textOf(m.content).trim() === '') {
        throw invalidRequest(
          `messages.${i}: all messages must have non-empty content except for the optional final assistant message`,
        );
      }
    }
    if (body.messages[0]!.role !== 'user')
      throw invalidRequest('messages: first message must use the "user" role');
    const last = body.messages.at(-1)!;
    if (last.role === 'assistant' && /\s$/.test(textOf(last.content))) {
      throw invalidRequest('messages: final assistant content cannot end with trailing whitespace');
    }
    if (!settings.models.includes(body.model)) {
      throw new AnthropicError(404, `model: ${body.model}`, 'not_found_error');
    }
    const system = body.system === undefined ? '' : textOf(body.system);
    const turns = body.messages.map((m) => ({ role: m.role, text: textOf(m.content) }));
    const script = scripted.shift();
    const reply = passageModelReply({
      system,
      messages: turns,
      ...(script !== undefined ? { scripted: script } : {}),
      maxSentences: settings.answerSentences,
    });
    const { text, cut } = truncateTokens(reply.text, body.max_tokens);
    traces.push({
      model: body.model,
      system,
      question: reply.question,
      passages: reply.passages,
      answer: text,
      scripted: script !== undefined,
    });
    const inputTokens = countTokens(system) + turns.reduce((n, t) => n + countTokens(t.text), 0);
    sendJson(
      res,
      200,
      {
        id: `msg_01${randomId(22)}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text }],
        stop_reason: cut ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        stop_details: null,
        container: null,
        usage: {
          input_tokens: inputTokens,
          output_tokens: countTokens(text),
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          service_tier: 'standard',
        },
      },
      { 'request-id': requestId() },
    );
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = recordCall(calls, req, res, url);
    try {
      const body = await readRawBody(req, settings.maxBodyBytes);
      if (body === undefined) {
        sendError(
          res,
          new AnthropicError(413, 'Request exceeds the maximum allowed number of bytes.'),
          requestId(),
        );
        req.socket.destroy();
        return;
      }
      record.body = bodyForLog(body);
      if (await faults.apply(req, res, url.pathname, renderer)) return;
      const path = url.pathname.replace(/\/+$/, '');
      if (req.method === 'POST' && path === MESSAGES) {
        return messages(res, json(body), checkHeaders(req));
      }
      if (req.method === 'GET' && path === '/v1/models') {
        checkHeaders(req);
        const data = settings.models.map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: '2025-10-01T00:00:00Z',
        }));
        return sendJson(res, 200, {
          data,
          has_more: false,
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
        });
      }
      throw new AnthropicError(404, `Not Found: ${req.method} ${url.pathname}`, 'not_found_error');
    } catch (e) {
      const error =
        e instanceof AnthropicError ? e : new AnthropicError(500, `Simulator error: ${(e as Error).message}`);
      sendError(res, error, requestId());
    }
  };

  const server = await listen((req, res) => void handler(req, res), port);
  const sim: AnthropicSim = {
    url: server.url,
    port: server.port,
    apiKey,
    calls,
    faults,
    settings,
    messages: traces,
    scriptNextAnswer: (text) => {
      scripted.push(text);
    },
    clearScriptedAnswers: () => {
      scripted.length = 0;
    },
    rateLimit: ({ retryAfter = 1, times = 1, match = MESSAGES } = {}) => {
      faults.add({ match, times, fault: { kind: 'status', status: 429, retryAfter } });
    },
    overload: ({ times = 1 } = {}) => {
      faults.add({ match: MESSAGES, times, fault: { kind: 'status', status: 529 } });
    },
    exhaustCredits: ({ times } = {}) => {
      faults.add({ match: MESSAGES, ...(times !== undefined ? { times } : {}), fault: creditBalanceFault() });
    },
    env: () => ({ ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: server.url }),
    reset: () => {
      calls.clear();
      faults.clear();
      scripted.length = 0;
      traces.length = 0;
    },
    close: () => server.close(),
  };
  return sim;
}
