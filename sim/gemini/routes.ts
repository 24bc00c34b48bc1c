import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashedEmbedding } from '../common/passage-model.js';
import { minimalInstance } from '../common/schema-instance.js';
import { GoogleError, invalidArgument, sendJson } from './errors.js';
import { FilterSyntaxError, parseMetadataFilter } from './metadata-filter.js';
import { buildResponse } from './model.js';
import { type RetrievedChunk, retrieve } from './retrieval.js';
import {
  BatchEmbedSchema,
  type ContentBody,
  CreateStoreSchema,
  type GenerateContentBody,
  GenerateContentSchema,
  parseBody,
} from './schemas.js';
import type { GeminiSimSettings } from './settings.js';
import { type GeminiState, pageOffset, pageToken } from './state.js';
import { continueUpload, operationJson, startUpload } from './upload.js';

/** What one generateContent call retrieved, kept for tests that want to see behind the answer. */
export interface RetrievalTrace {
  model: string;
  question: string;
  storeNames: string[];
  metadataFilter?: string;
  topK: number;
  chunks: Array<{ document: string; title: string; chunkIndex: number; score: number; text: string }>;
  scripted: boolean;
  answer: string;
}

/** A forced answer, for any generateContent or only for prose (`text`) or JSON-mode (`json`) requests. */
export interface ScriptedAnswer {
  text: string;
  for: 'any' | 'text' | 'json';
}

/** Everything the routes share with the simulator object. */
export interface RouteContext {
  state: GeminiState;
  settings: GeminiSimSettings;
  apiKey: string;
  /** Answers forced by scriptNextAnswer(), consumed one per generateContent of the kind they are for. */
  scripted: ScriptedAnswer[];
  traces: RetrievalTrace[];
  randomId(length: number): string;
}

/** A request after the body was read. */
export interface SimRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  baseUrl: string;
}

type Handler = (r: SimRequest, params: string[], version: string) => void;

interface Route {
  method: string;
  pattern: RegExp;
  /** false for upload URLs, which the upload_id authorises. */
  auth: boolean;
  handler: Handler;
}

const ID = '([a-z0-9-]{1,40})';
const MODEL = '((?:tunedModels|models)/[^/:]+)';

function jsonBody(r: SimRequest): unknown {
  if (r.body.length === 0) return {};
  try {
    return JSON.parse(r.body.toString('utf8'));
  } catch (e) {
    throw invalidArgument(`Invalid JSON payload received. ${(e as Error).message}`);
  }
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function pageSize(url: URL): number {
  const raw = url.searchParams.get('pageSize');
  if (raw === null) return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), "${raw}"`);
  // Google coerces oversize pages down to the maximum instead of failing.
  return n === 0 ? 10 : Math.min(n, 20);
}

function page<T>(items: T[], url: URL, kind: string): { items: T[]; next?: string } {
  const offset = pageOffset(url.searchParams.get('pageToken') ?? undefined, kind);
  const size = pageSize(url);
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length
    ? { items: slice, next: pageToken(offset + size, kind) }
    : { items: slice };
}

function textOf(content: ContentBody | undefined): string {
  return (content?.parts ?? [])
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n');
}

const OTHER_BUILTIN_TOOLS = [
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'googleMaps',
  'computerUse',
];

function modelId(ctx: RouteContext, name: string, version: string, method: string): string {
  const id = name.replace(/^models\//, '');
  if (!ctx.settings.models.includes(id)) {
    throw new GoogleError(
      404,
      `models/${id} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
      'NOT_FOUND',
    );
  }
  return id;
}

/** Runs retrieval and the deterministic model for one generateContent request. */
function generate(ctx: RouteContext, r: SimRequest, name: string, version: string, stream: boolean) {
  const model = modelId(ctx, name, version, stream ? 'streamGenerateContent' : 'generateContent');
  const body: GenerateContentBody = parseBody(GenerateContentSchema, jsonBody(r), 'GenerateContentRequest');
  const tools = body.tools ?? [];
  const fileSearchTools = tools.filter((t) => t.fileSearch);
  if (fileSearchTools.length > 1) throw invalidArgument('At most one fileSearch tool is supported.');
  const fileSearch = fileSearchTools[0]?.fileSearch;
  if (fileSearch) {
    const others = tools.flatMap((t) => OTHER_BUILTIN_TOOLS.filter((k) => k in t));
    if (others.length > 0) {
      throw invalidArgument(
        `The file_search tool cannot be combined with other built-in tools (${others.join(', ')}).`,
      );
    }
    if (stream) throw invalidArgument('The file_search tool is not supported in streamGenerateContent.');
    if (fileSearch.fileSearchStoreNames.length > ctx.settings.maxStoresPerQuery) {
      throw invalidArgument(
        `At most ${ctx.settings.maxStoresPerQuery} file search stores may be queried at once.`,
      );
    }
  }
  let filter: ReturnType<typeof parseMetadataFilter>;
  try {
    filter = parseMetadataFilter(fileSearch?.metadataFilter);
  } catch (e) {
    if (e instanceof FilterSyntaxError) {
      throw invalidArgument(`Invalid metadata filter "${fileSearch?.metadataFilter}": ${e.message}.`);
    }
    throw e;
  }
  const storeIds = (fileSearch?.fileSearchStoreNames ?? []).map((n) => n.slice('fileSearchStores/'.length));
  for (const id of storeIds) ctx.state.getStore(id);

  const userTurns = body.contents.filter((c) => c.role === undefined || c.role === 'user');
  const question = textOf(userTurns.at(-1));
  const conversation = body.contents.map(textOf).join('\n');
  const systemInstruction = textOf(body.systemInstruction);
  const topK = fileSearch?.topK ?? ctx.settings.defaultTopK;
  const retrieved: RetrievedChunk[] = fileSearch
    ? retrieve(
        question,
        storeIds.flatMap((id) => ctx.state.storeDocuments(id)),
        filter,
        { topK, minScore: ctx.settings.minScore },
      )
    : [];
  const json = body.generationConfig?.responseMimeType === 'application/json';
  const at = ctx.scripted.findIndex((s) => s.for === 'any' || s.for === (json ? 'json' : 'text'));
  const scripted = at >= 0 ? ctx.scripted.splice(at, 1)[0]!.text : undefined;
  // Asked for JSON, a model answers JSON in the schema given; the passage model has nothing to put in it.
  const config = body.generationConfig;
  const answer =
    scripted ??
    (json
      ? JSON.stringify(minimalInstance(config?.responseJsonSchema ?? config?.responseSchema))
      : undefined);
  const response = buildResponse({
    model,
    systemInstruction,
    conversation,
    question,
    retrieved,
    ...(answer !== undefined ? { scripted: answer } : {}),
    ...(body.generationConfig?.maxOutputTokens !== undefined
      ? { maxOutputTokens: body.generationConfig.maxOutputTokens }
      : {}),
    responseId: ctx.randomId(22),
    emptyGrounding: ctx.settings.emptyGrounding,
    answerSentences: ctx.settings.answerSentences,
  });
  const candidate = (response.candidates as Array<{ content: { parts: Array<{ text: string }> } }>)[0];
  ctx.traces.push({
    model,
    question,
    storeNames: fileSearch?.fileSearchStoreNames ?? [],
    ...(fileSearch?.metadataFilter !== undefined ? { metadataFilter: fileSearch.metadataFilter } : {}),
    topK,
    chunks: retrieved.map((c) => ({
      document: `fileSearchStores/${c.doc.storeId}/documents/${c.doc.id}`,
      title: c.doc.displayName,
      chunkIndex: c.chunkIndex,
      score: c.score,
      text: c.text,
    })),
    scripted: scripted !== undefined,
    answer: candidate?.content.parts[0]?.text ?? '',
  });
  if (!stream) {
    sendJson(r.res, 200, response);
    return;
  }
  if (r.url.searchParams.get('alt') === 'sse') {
    r.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    r.res.end(`data: ${JSON.stringify(response)}\r\n\r\n`);
    return;
  }
  sendJson(r.res, 200, [response]);
}

function modelJson(id: string, version: string, embedding: boolean): Record<string, unknown> {
  return {
    name: `models/${id}`,
    version,
    displayName: id,
    inputTokenLimit: embedding ? 2048 : 1048576,
    outputTokenLimit: embedding ? 1 : 65536,
    supportedGenerationMethods: embedding
      ? ['embedContent', 'batchEmbedContents']
      : ['generateContent', 'countTokens', 'streamGenerateContent'],
  };
}

/** The route table: path patterns after the `/{version}` prefix (uploads under `/upload/{version}`). */
export function routes(ctx: RouteContext): Route[] {
  const { state, settings } = ctx;
  const store = (id: string) => state.storeJson(state.getStore(id));
  return [
    {
      method: 'POST',
      pattern: new RegExp(`^/upload/fileSearchStores/${ID}:uploadToFileSearchStore$`),
      auth: true,
      handler: (r, [id], v) =>
        startUpload(r.req, r.res, { state, settings, baseUrl: r.baseUrl }, id!, v, r.body),
    },
    {
      method: 'POST',
      pattern: /^\/fileSearchStores$/,
      auth: true,
      handler: (r) => {
        const body = parseBody(CreateStoreSchema, jsonBody(r), 'CreateFileSearchStoreRequest');
        sendJson(r.res, 200, state.storeJson(state.createStore(body.displayName, body.embeddingModel)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/fileSearchStores$/,
      auth: true,
      handler: (r) => {
        const { items, next } = page([...state.stores.values()], r.url, 'stores');
        // proto3 JSON: an empty list is an absent field, and clients must cope.
        sendJson(r.res, 200, {
          ...(items.length > 0 ? { fileSearchStores: items.map((s) => state.storeJson(s)) } : {}),
          ...(next ? { nextPageToken: next } : {}),
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/fileSearchStores/${ID}$`),
      auth: true,
      handler: (r, [id]) => sendJson(r.res, 200, store(id!)),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/fileSearchStores/${ID}$`),
      auth: true,
      handler: (r, [id]) => {
        state.deleteStore(id!, isTrue(r.url.searchParams.get('force')));
        sendJson(r.res, 200, {});
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/fileSearchStores/${ID}:importFile$`),
      auth: true,
      handler: () => {
        throw new GoogleError(
          501,
          'importFile is not simulated; use uploadToFileSearchStore.',
          'UNIMPLEMENTED',
        );
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/fileSearchStores/${ID}/documents$`),
      auth: true,
      handler: (r, [id]) => {
        state.getStore(id!);
        const { items, next } = page(state.storeDocuments(id!), r.url, 'documents');
        sendJson(r.res, 200, {
          ...(items.length > 0 ? { documents: items.map((d) => state.documentJson(d)) } : {}),
          ...(next ? { nextPageToken: next } : {}),
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/fileSearchStores/${ID}/documents/${ID}$`),
      auth: true,
      handler: (r, [id, doc]) => sendJson(r.res, 200, state.documentJson(state.getDocument(id!, doc!))),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/fileSearchStores/${ID}/documents/${ID}$`),
      auth: true,
      handler: (r, [id, doc]) => {
        state.deleteDocument(id!, doc!, isTrue(r.url.searchParams.get('force')));
        sendJson(r.res, 200, {});
      },
    },
    {
      method: 'GET',
      // Upload operations; import-style `/operations/OP` is looked up the same way.
      pattern: new RegExp(`^/fileSearchStores/${ID}/(?:upload/)?operations/${ID}$`),
      auth: true,
      handler: (r, [id, opId]) => {
        const op = state.getOperation(id!, opId!);
        op.polls += 1;
        if (op.polls >= settings.operationPolls) state.completeOperation(op);
        sendJson(r.res, 200, operationJson(op, settings));
      },
    },
    {
      method: 'GET',
      pattern: /^\/models$/,
      auth: true,
      handler: (r, _p, v) =>
        sendJson(r.res, 200, {
          models: [
            ...settings.models.map((m) => modelJson(m, v, false)),
            ...settings.embeddingModels.map((m) => modelJson(m, v, true)),
          ],
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/${MODEL}$`),
      auth: true,
      handler: (r, [name], v) => {
        const id = name!.replace(/^models\//, '');
        if (settings.embeddingModels.includes(id)) return sendJson(r.res, 200, modelJson(id, v, true));
        sendJson(r.res, 200, modelJson(modelId(ctx, name!, v, 'get'), v, false));
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${MODEL}:generateContent$`),
      auth: true,
      handler: (r, [name], v) => generate(ctx, r, name!, v, false),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${MODEL}:streamGenerateContent$`),
      auth: true,
      handler: (r, [name], v) => generate(ctx, r, name!, v, true),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${MODEL}:countTokens$`),
      auth: true,
      handler: (r, [name], v) => {
        modelId(ctx, name!, v, 'countTokens');
        const body = jsonBody(r) as { contents?: ContentBody[] };
        const text = (Array.isArray(body.contents) ? body.contents : []).map(textOf).join('\n');
        sendJson(r.res, 200, { totalTokens: (text.match(/\S+/g) ?? []).length });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/${MODEL}:batchEmbedContents$`),
      auth: true,
      handler: (r, [name], v) => {
        const id = name!.replace(/^models\//, '');
        if (!settings.embeddingModels.includes(id)) {
          throw new GoogleError(
            404,
            `models/${id} is not found for API version ${v}, or is not supported for batchEmbedContents. Call ListModels to see the list of available models and their supported methods.`,
          );
        }
        const body = parseBody(BatchEmbedSchema, jsonBody(r), 'BatchEmbedContentsRequest');
        const embeddings = body.requests.map((req, i) => {
          if (req.model !== `models/${id}`) {
            throw invalidArgument(
              `* BatchEmbedContentsRequest.requests[${i}].model: model must be models/${id}`,
            );
          }
          return { values: hashedEmbedding(textOf(req.content), req.outputDimensionality ?? 3072) };
        });
        sendJson(r.res, 200, { embeddings });
      },
    },
  ];
}

/** Upload URLs returned by `start`: the same path, authorised by `upload_id`. */
export function handleUploadChunk(ctx: RouteContext, r: SimRequest, uploadId: string): void {
  continueUpload(r.req, r.res, { state: ctx.state, settings: ctx.settings }, uploadId, r.body);
}
