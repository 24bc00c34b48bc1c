import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallLog } from '../common/call-log.js';
import { FaultInjector, type FaultRule, seededRandom } from '../common/faults.js';
import { countTokens, hashedEmbedding, passageModelReply, truncateTokens } from '../common/passage-model.js';
import { bodyForLog, idMaker, readRawBody, recordCall } from '../common/raw-http.js';
import { minimalInstance } from '../common/schema-instance.js';
import { listen } from '../common/server.js';
import {
  insufficientQuotaFault,
  invalidRequest,
  OpenAIError,
  openaiStatusRenderer,
  sendError,
  sendJson,
} from './errors.js';
import { ChatCompletionSchema, EmbeddingsSchema, parseBody } from './schemas.js';

export { insufficientQuotaFault, OpenAIError } from './errors.js';

/** Chat models the simulator knows by default (an OpenAI-compatible gateway lists its own). */
export const DEFAULT_CHAT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'deepseek-chat'];
/** Embedding models and their full dimensions. */
export const DEFAULT_EMBEDDING_MODELS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Behaviour knobs, changeable at run time through `sim.settings`. */
export interface OpenAISimSettings {
  chatModels: string[];
  embeddingModels: Record<string, number>;
  /** Sentences an answer quotes at most. Default 2. */
  answerSentences: number;
  /** Largest request body in bytes. Default 8 MB. */
  maxBodyBytes: number;
}

/** Options of startOpenAISim; anything in OpenAISimSettings can be given here too. */
export interface OpenAISimOptions extends Partial<OpenAISimSettings> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The only key accepted (`Authorization: Bearer …`). Default `sim-openai-key`. */
  apiKey?: string;
  /** Seed for ids and fault fractions (default 1): runs repeat exactly. */
  seed?: number;
}

/** What one chat completion saw and answered, for tests that look behind the answer. */
export interface CompletionTrace {
  model: string;
  system: string;
  question: string;
  /** The fenced passages the model was given. */
  passages: string[];
  answer: string;
  scripted: boolean;
}

/** A running OpenAI-compatible API simulator. */
export interface OpenAISim {
  /** Root URL without a trailing slash. */
  url: string;
  /** What OPENAI_BASE_URL / the SDK's `baseURL` take: `${url}/v1`. */
  baseUrl: string;
  port: number;
  apiKey: string;
  /** Every request received, in order. */
  calls: CallLog;
  /** Latency, drops and status faults in OpenAI's error shape (see also rateLimit(), exhaustQuota()). */
  faults: FaultInjector;
  settings: OpenAISimSettings;
  /** One entry per successful chat completion. */
  completions: CompletionTrace[];
  /**
   * Forces the text of the next chat completion (queued, one per call); `for: 'json'` (or `'text'`) keeps it for
   * the next call in a JSON mode (or without one), as the Gemini simulator's does.
   */
  scriptNextAnswer(text: string, options?: { for?: 'any' | 'text' | 'json' }): void;
  clearScriptedAnswers(): void;
  /** 429 `rate_limit_exceeded` with `retry-after` on chat completions (or `match`) for `times` calls. */
  rateLimit(opts?: { retryAfter?: number; times?: number; match?: FaultRule['match'] }): void;
  /** 429 `insufficient_quota` (credits used up) on every call, or the next `times`. */
  exhaustQuota(opts?: { times?: number; match?: FaultRule['match'] }): void;
  /** The environment that points the service at this simulator. */
  env(): Record<string, string>;
  /** Forgets calls, faults, scripted answers and traces. */
  reset(): void;
  close(): Promise<void>;
}

const CHAT = '/v1/chat/completions';
const EMBEDDINGS = '/v1/embeddings';

/** Message content as text: a string, or the text parts joined. */
const textOf = (content: string | Array<{ text: string }> | null | undefined) =>
  typeof content === 'string' ? content : (content ?? []).map((p) => p.text).join('\n');

/** Shows a key the way OpenAI echoes a wrong one: start and end only. */
const masked = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***');

/**
 * Starts an OpenAI-compatible API simulator on loopback for the official `openai` SDK
 * (`new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseUrl })`): `/v1/chat/completions` with the passage
 * model (see `sim/common/passage-model.ts`), `/v1/embeddings` (hashed bag of stems, float or base64),
 * `/v1/models`; Bearer keys, strict request validation and errors in OpenAI's shape, usage fields, faults.
 */
export async function startOpenAISim(opts: OpenAISimOptions = {}): Promise<OpenAISim> {
  const { port = 0, apiKey = 'sim-openai-key', seed = 1, ...overrides } = opts;
  const settings: OpenAISimSettings = {
    chatModels: [...DEFAULT_CHAT_MODELS],
    embeddingModels: { ...DEFAULT_EMBEDDING_MODELS },
    answerSentences: 2,
    maxBodyBytes: 8 * 1024 * 1024,
    ...overrides,
  };
  const randomId = idMaker(seededRandom(seed));
  const requestId = () => `req_${randomId(24)}`;
  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  const renderer = openaiStatusRenderer(requestId);
  const scripted: Array<{ text: string; for: 'any' | 'text' | 'json' }> = [];
  const completions: CompletionTrace[] = [];

  const checkAuth = (req: IncomingMessage) => {
    const header = req.headers.authorization;
    const key = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (!key) {
      throw new OpenAIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      );
    }
    if (key !== apiKey) {
      throw new OpenAIError(
        401,
        `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    }
  };

  const json = (body: Buffer): unknown => {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidRequest(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      );
    }
  };

  const unknownModel = (model: string) =>
    new OpenAIError(
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      null,
      'model_not_found',
    );

  function chat(res: ServerResponse, raw: unknown): void {
    const body = parseBody(ChatCompletionSchema, raw);
    if (body.messages.length === 0) {
      throw invalidRequest(
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        'messages',
        'empty_array',
      );
    }
    if (!settings.chatModels.includes(body.model)) throw unknownModel(body.model);
    const system = body.messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => textOf(m.content))
      .join('\n');
    const messages = body.messages
      .filter((m) => m.role !== 'system' && m.role !== 'developer')
      .map((m) => ({ role: m.role, text: textOf(m.content) }));
    const format = body.response_format?.type ?? 'text';
    // The API's own rule: JSON mode without the word in the messages could loop on whitespace.
    if (format === 'json_object' && !body.messages.some((m) => /json/i.test(textOf(m.content)))) {
      throw invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    }
    const at = scripted.findIndex((x) => x.for === 'any' || x.for === (format === 'text' ? 'text' : 'json'));
    const script = at >= 0 ? scripted.splice(at, 1)[0]!.text : undefined;
    const reply =
      format === 'text'
        ? passageModelReply({
            system,
            messages,
            ...(script !== undefined ? { scripted: script } : {}),
            maxSentences: settings.answerSentences,
          })
        : // In JSON mode the passage model has no content to give: the schema's smallest instance (an empty
          // object without one) unless a test scripts an answer.
          {
            text:
              script ??
              JSON.stringify(
                body.response_format?.type === 'json_schema'
                  ? minimalInstance(body.response_format.json_schema.schema)
                  : {},
              ),
            question: messages.at(-1)?.text ?? '',
            passages: [],
          };
    const limit = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const { text, cut } = truncateTokens(reply.text, limit ?? undefined);
    completions.push({
      model: body.model,
      system,
      question: reply.question,
      passages: reply.passages,
      answer: text,
      scripted: script !== undefined,
    });
    const promptTokens = countTokens(system) + messages.reduce((n, m) => n + countTokens(m.text), 0);
    const completionTokens = countTokens(text);
    sendJson(
      res,
      200,
      {
        id: `chatcmpl-${randomId(29)}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: cut ? 'length' : 'stop',
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        service_tier: 'default',
        system_fingerprint: 'fp_sim',
      },
      { 'x-request-id': requestId(), 'openai-processing-ms': '1' },
    );
  }

  function embeddings(res: ServerResponse, raw: unknown): void {
    const body = parseBody(EmbeddingsSchema, raw);
    const full = settings.embeddingModels[body.model];
    if (full === undefined) {
      if (settings.chatModels.includes(body.model)) {
        throw invalidRequest(`The model \`${body.model}\` does not support embeddings.`, 'model');
      }
      throw unknownModel(body.model);
    }
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (inputs.some((t) => t === '')) {
      throw invalidRequest(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        'input',
      );
    }
    if (
      body.dimensions !== undefined &&
      (body.model === 'text-embedding-ada-002' || body.dimensions > full)
    ) {
      throw invalidRequest(
        `This model does not support specifying dimensions${body.model === 'text-embedding-ada-002' ? '' : ` above ${full}`}.`,
        'dimensions',
      );
    }
    const dims = body.dimensions ?? full;
    const data = inputs.map((text, index) => {
      const vector = hashedEmbedding(text, dims);
      const embedding =
        body.encoding_format === 'base64'
          ? Buffer.from(Float32Array.from(vector).buffer).toString('base64')
          : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n, t) => n + countTokens(t), 0);
    sendJson(
      res,
      200,
      { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
      { 'x-request-id': requestId() },
    );
  }

  const modelJson = (id: string) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' });

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = recordCall(calls, req, res, url);
    try {
      const body = await readRawBody(req, settings.maxBodyBytes);
      if (body === undefined) {
        sendError(res, new OpenAIError(413, 'Request too large.', 'invalid_request_error'), requestId());
        req.socket.destroy();
        return;
      }
      record.body = bodyForLog(body);
      if (await faults.apply(req, res, url.pathname, renderer)) return;
      const path = url.pathname.replace(/\/+$/, '');
      if (req.method === 'POST' && path === CHAT) {
        checkAuth(req);
        return chat(res, json(body));
      }
      if (req.method === 'POST' && path === EMBEDDINGS) {
        checkAuth(req);
        return embeddings(res, json(body));
      }
      if (req.method === 'GET' && path === '/v1/models') {
        checkAuth(req);
        const ids = [...settings.chatModels, ...Object.keys(settings.embeddingModels)];
        return sendJson(res, 200, { object: 'list', data: ids.map(modelJson) });
      }
      const model = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
      if (req.method === 'GET' && model) {
        checkAuth(req);
        const id = decodeURIComponent(model);
        if (!settings.chatModels.includes(id) && settings.embeddingModels[id] === undefined)
          throw unknownModel(id);
        return sendJson(res, 200, modelJson(id));
      }
      throw new OpenAIError(404, `Invalid URL (${req.method} ${url.pathname})`);
    } catch (e) {
      const error =
        e instanceof OpenAIError
          ? e
          : new OpenAIError(500, `Simulator error: ${(e as Error).message}`, 'server_error');
      sendError(res, error, requestId());
    }
  };

  const server = await listen((req, res) => void handler(req, res), port);
  const sim: OpenAISim = {
    url: server.url,
    baseUrl: `${server.url}/v1`,
    port: server.port,
    apiKey,
    calls,
    faults,
    settings,
    completions,
    scriptNextAnswer: (text, options) => {
      scripted.push({ text, for: options?.for ?? 'any' });
    },
    clearScriptedAnswers: () => {
      scripted.length = 0;
    },
    rateLimit: ({ retryAfter = 1, times = 1, match = CHAT } = {}) => {
      faults.add({ match, times, fault: { kind: 'status', status: 429, retryAfter } });
    },
    exhaustQuota: ({ times, match = /^\/v1\// } = {}) => {
      faults.add({ match, ...(times !== undefined ? { times } : {}), fault: insufficientQuotaFault() });
    },
    env: () => ({ OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${server.url}/v1` }),
    reset: () => {
      calls.clear();
      faults.clear();
      scripted.length = 0;
      completions.length = 0;
    },
    close: () => server.close(),
  };
  return sim;
}
