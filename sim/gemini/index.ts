import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallLog } from '../common/call-log.js';
import { FaultInjector, type FaultRule, seededRandom } from '../common/faults.js';
import { readRawBody, recordCall } from '../common/raw-http.js';
import { listen } from '../common/server.js';
import { GoogleError, googleStatusRenderer, type QuotaPeriod, quotaFault, sendError } from './errors.js';
import {
  handleUploadChunk,
  type RetrievalTrace,
  type RouteContext,
  routes,
  type SimRequest,
} from './routes.js';
import { defaultSettings, type GeminiSimSettings } from './settings.js';
import { type DocumentJson, GeminiState, type StoreJson } from './state.js';

export { type QuotaPeriod, quotaFault } from './errors.js';
export { MARKER_PATTERN } from './model.js';
export type { RetrievalTrace } from './routes.js';
export { DEFAULT_MODELS, type GeminiSimSettings } from './settings.js';
export type { DocumentJson, StoreJson } from './state.js';

/** Options of startGeminiSim; anything in GeminiSimSettings can be given here too. */
export interface GeminiSimOptions extends Partial<GeminiSimSettings> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The only API key accepted. Default `sim-gemini-key`. */
  apiKey?: string;
  /** Seed for resource ids, response ids and fault fractions (default 1): runs repeat exactly. */
  seed?: number;
}

/** A running Gemini API simulator. */
export interface GeminiSim {
  /** Base URL for `httpOptions.baseUrl`, without a trailing slash. */
  url: string;
  port: number;
  apiKey: string;
  /** Every request received, in order (upload chunks are recorded as `{ bytes }`). */
  calls: CallLog;
  /** Latency, drops and status faults in Google's error shape (see also rateLimit()). */
  faults: FaultInjector;
  /** Behaviour knobs, changeable at run time. */
  settings: GeminiSimSettings;
  /** Raw state for inspection beyond the helpers below. */
  state: GeminiState;
  /** Stores as the API would return them. */
  stores(): StoreJson[];
  /** Documents (of one store, `fileSearchStores/ID` or bare ID, or of all) as the API would return them. */
  documents(storeName?: string): DocumentJson[];
  /** Text the indexer extracted from a document (`fileSearchStores/S/documents/D`), once indexed. */
  documentText(documentName: string): string | undefined;
  /** The document's chunks as retrieval sees them. */
  chunks(documentName: string): string[];
  /** One entry per generateContent call: what was retrieved and answered. */
  retrievals: RetrievalTrace[];
  /**
   * Forces the text of the next generateContent answer (queued, one per call), e.g. an invented
   * price. Retrieval and groundingMetadata stay real: supports only cover sentences the chunks back.
   * `for: 'text'` keeps it for a prose answer (JSON-mode calls, like the brief's extraction, pass it by);
   * `for: 'json'` the other way round.
   */
  scriptNextAnswer(text: string, options?: { for?: 'any' | 'text' | 'json' }): void;
  /** Drops answers queued by scriptNextAnswer(). */
  clearScriptedAnswers(): void;
  /** The next `count` uploads end STATE_FAILED with an operation `error`, whatever their bytes. */
  failNextIndexing(count?: number, message?: string): void;
  /** Completes every pending upload operation now (documents become ACTIVE or FAILED). */
  completeOperations(): void;
  /** Shortcut: 429 RESOURCE_EXHAUSTED on matching calls (default: generateContent) for `times` calls. */
  rateLimit(opts?: {
    per?: QuotaPeriod;
    retryAfter?: number;
    times?: number;
    match?: FaultRule['match'];
  }): void;
  /** Forgets stores, documents, operations, calls, faults, scripted answers and traces. */
  reset(): void;
  close(): Promise<void>;
}

const VERSION_PREFIX = /^\/(upload\/)?(v1|v1beta)(\/.*)$/;

function describeBody(body: Buffer, req: IncomingMessage): unknown {
  if (body.length === 0) return undefined;
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return body.toString('utf8');
    }
  }
  return { bytes: body.length };
}

function splitDocumentName(name: string): [string, string] | undefined {
  const m = /^fileSearchStores\/([a-z0-9-]+)\/documents\/([a-z0-9-]+)$/.exec(name);
  return m ? [m[1]!, m[2]!] : undefined;
}

/**
 * Starts the Gemini API simulator on loopback: File Search stores, resumable uploads, operations,
 * documents and a deterministic generateContent with the fileSearch tool, behind API-key checks and
 * the shared fault injector. Point `@google/genai` at it with `httpOptions.baseUrl: sim.url`.
 */
export async function startGeminiSim(opts: GeminiSimOptions = {}): Promise<GeminiSim> {
  const { port = 0, apiKey = 'sim-gemini-key', seed = 1, ...overrides } = opts;
  const settings: GeminiSimSettings = { ...defaultSettings(), ...overrides };
  const random = seededRandom(seed);
  const state = new GeminiState(random, settings);
  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  const renderer = googleStatusRenderer(() => settings.quotaPer);
  const ctx: RouteContext = {
    state,
    settings,
    apiKey,
    scripted: [],
    traces: [],
    randomId: (n) => {
      let s = '';
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      for (let i = 0; i < n; i++) s += chars[Math.floor(random() * chars.length)];
      return s;
    },
  };
  const table = routes(ctx);
  let selfUrl = '';

  const checkKey = (req: IncomingMessage, url: URL) => {
    const header = req.headers['x-goog-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('key') ?? undefined;
    if (key === undefined || key === '') {
      throw new GoogleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        'PERMISSION_DENIED',
      );
    }
    if (key !== apiKey) {
      const message = 'API key not valid. Please pass a valid API key.';
      throw new GoogleError(400, message, 'INVALID_ARGUMENT', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
      ]);
    }
  };

  const dispatch = (r: SimRequest) => {
    const m = VERSION_PREFIX.exec(r.url.pathname);
    if (!m) throw new GoogleError(404, `Method not found: ${r.req.method} ${r.url.pathname}`, 'NOT_FOUND');
    const isUpload = m[1] !== undefined;
    const version = m[2]!;
    const rest = isUpload ? `/upload${m[3]}` : m[3]!;
    const uploadId = r.url.searchParams.get('upload_id');
    if (isUpload && uploadId !== null && r.req.method === 'POST') {
      // The upload URL is the capability; a key, when sent, must still be right.
      if (r.req.headers['x-goog-api-key'] !== undefined || r.url.searchParams.has('key'))
        checkKey(r.req, r.url);
      handleUploadChunk(ctx, r, uploadId);
      return;
    }
    for (const route of table) {
      const match = route.pattern.exec(rest);
      if (!match || route.method !== r.req.method) continue;
      if (route.auth) checkKey(r.req, r.url);
      route.handler(r, match.slice(1), version);
      return;
    }
    throw new GoogleError(404, `Method not found: ${r.req.method} ${r.url.pathname}`, 'NOT_FOUND');
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = recordCall(calls, req, res, url);
    try {
      const body = await readRawBody(req, settings.maxDocumentBytes + 1024 * 1024);
      if (body === undefined) {
        sendError(res, new GoogleError(413, 'Request payload size exceeds the limit.', 'INVALID_ARGUMENT'));
        req.socket.destroy();
        return;
      }
      record.body = describeBody(body, req);
      if (await faults.apply(req, res, url.pathname, renderer)) return;
      const baseUrl = req.headers.host ? `http://${req.headers.host}` : selfUrl;
      dispatch({ req, res, url, body, baseUrl });
    } catch (e) {
      if (e instanceof GoogleError) sendError(res, e);
      else sendError(res, new GoogleError(500, `Simulator error: ${(e as Error).message}`, 'INTERNAL'));
    }
  };

  const server = await listen((req, res) => void handler(req, res), port);
  selfUrl = server.url;

  const sim: GeminiSim = {
    url: server.url,
    port: server.port,
    apiKey,
    calls,
    faults,
    settings,
    state,
    stores: () => [...state.stores.values()].map((s) => state.storeJson(s)),
    documents: (storeName) => {
      const id = storeName?.replace(/^fileSearchStores\//, '');
      return [...state.documents.values()]
        .filter((d) => id === undefined || d.storeId === id)
        .map((d) => state.documentJson(d));
    },
    documentText: (name) => {
      const ids = splitDocumentName(name);
      const doc = ids ? state.documents.get(ids[1]) : undefined;
      return doc && doc.storeId === ids?.[0] && doc.state === 'STATE_ACTIVE' ? doc.text : undefined;
    },
    chunks: (name) => {
      const ids = splitDocumentName(name);
      const doc = ids ? state.documents.get(ids[1]) : undefined;
      return doc && doc.storeId === ids?.[0] ? doc.chunks.map((c) => c.text) : [];
    },
    retrievals: ctx.traces,
    scriptNextAnswer: (text, options) => {
      ctx.scripted.push({ text, for: options?.for ?? 'any' });
    },
    clearScriptedAnswers: () => {
      ctx.scripted.length = 0;
    },
    failNextIndexing: (
      count = 1,
      message = 'Failed to process the document: simulated indexing failure.',
    ) => {
      for (let i = 0; i < count; i++) state.forcedFailures.push(message);
    },
    completeOperations: () => {
      for (const op of state.operations.values()) state.completeOperation(op);
    },
    rateLimit: ({ per, retryAfter, times = 1, match = /:(stream)?generateContent$/i } = {}) => {
      faults.add({
        match,
        times,
        fault: quotaFault({
          per: per ?? settings.quotaPer,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        }),
      });
    },
    reset: () => {
      state.clear();
      calls.clear();
      faults.clear();
      ctx.scripted.length = 0;
      ctx.traces.length = 0;
    },
    close: () => server.close(),
  };
  return sim;
}
