import type { IncomingMessage, ServerResponse } from 'node:http';
import { GoogleError, invalidArgument, sendJson } from './errors.js';
import { parseBody, UploadStartSchema } from './schemas.js';
import type { GeminiSimSettings } from './settings.js';
import type { GeminiState, OperationRecord } from './state.js';

/** The Operation JSON for an upload, shaped by the live settings (done/omitDone, "@type"). */
export function operationJson(op: OperationRecord, settings: GeminiSimSettings): Record<string, unknown> {
  const name = `fileSearchStores/${op.storeId}/upload/operations/${op.id}`;
  if (!op.done) return { name };
  if (op.error) return { name, done: true, error: op.error };
  return {
    name,
    ...(settings.omitDone ? {} : { done: true }),
    response: {
      ...(settings.operationResponseType
        ? {
            '@type':
              'type.googleapis.com/google.ai.generativelanguage.v1main.UploadToFileSearchStoreResponse',
          }
        : {}),
      parent: `fileSearchStores/${op.storeId}`,
      documentName: `fileSearchStores/${op.storeId}/documents/${op.documentId}`,
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * `POST /upload/{v}/fileSearchStores/{id}:uploadToFileSearchStore` with `X-Goog-Upload-Command: start`:
 * validates the protocol headers and the JSON body, opens a session and answers with
 * `x-goog-upload-url` (an absolute URL on this server carrying `upload_id`).
 */
export function startUpload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { state: GeminiState; settings: GeminiSimSettings; baseUrl: string },
  storeId: string,
  version: string,
  body: Buffer,
): void {
  const protocol = header(req, 'x-goog-upload-protocol');
  if (protocol !== 'resumable') {
    throw invalidArgument(
      `Unsupported upload protocol "${protocol ?? ''}"; expected X-Goog-Upload-Protocol: resumable.`,
    );
  }
  const lengthHeader = header(req, 'x-goog-upload-header-content-length');
  const declaredSize = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declaredSize !== undefined && (!Number.isInteger(declaredSize) || declaredSize < 0)) {
    throw invalidArgument(`Invalid X-Goog-Upload-Header-Content-Length "${lengthHeader}".`);
  }
  if (declaredSize !== undefined && declaredSize > ctx.settings.maxDocumentBytes) {
    throw invalidArgument(
      `File size ${declaredSize} exceeds the limit of ${ctx.settings.maxDocumentBytes} bytes.`,
    );
  }
  let json: unknown = {};
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidArgument('Invalid JSON payload received.');
    }
  }
  const parsed = parseBody(UploadStartSchema, json, 'UploadToFileSearchStoreRequest');
  const mimeType = parsed.mimeType ?? header(req, 'x-goog-upload-header-content-type');
  if (!mimeType)
    throw invalidArgument('Missing MIME type: set mimeType or X-Goog-Upload-Header-Content-Type.');
  if (/^(audio|video)\//.test(mimeType)) throw invalidArgument(`Unsupported MIME type: ${mimeType}.`);
  const ws = parsed.chunkingConfig?.whiteSpaceConfig;
  const chunking = {
    maxTokensPerChunk: ws?.maxTokensPerChunk ?? ctx.settings.defaultChunking.maxTokensPerChunk,
    maxOverlapTokens: ws?.maxOverlapTokens ?? ctx.settings.defaultChunking.maxOverlapTokens,
  };
  const bounds = ctx.settings.chunkTokenBounds;
  if (ws?.maxTokensPerChunk !== undefined && bounds) {
    const [min, max] = bounds;
    if (ws.maxTokensPerChunk < min || ws.maxTokensPerChunk > max) {
      throw invalidArgument(
        `chunking_config.white_space_config.max_tokens_per_chunk must be in [${min}, ${max}].`,
      );
    }
  }
  if (chunking.maxOverlapTokens >= chunking.maxTokensPerChunk) {
    throw invalidArgument(
      'chunking_config.white_space_config.max_overlap_tokens must be less than max_tokens_per_chunk.',
    );
  }
  const fileName = header(req, 'x-goog-upload-file-name');
  const displayName = parsed.displayName ?? fileName;
  const session = ctx.state.startUpload({
    storeId,
    mimeType,
    customMetadata: parsed.customMetadata ?? [],
    chunking,
    ...(declaredSize !== undefined ? { declaredSize } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
  });
  const url = `${ctx.baseUrl}/upload/${version}/fileSearchStores/${storeId}:uploadToFileSearchStore?upload_id=${session.id}&upload_protocol=resumable`;
  res.writeHead(200, {
    'x-goog-upload-url': url,
    'x-goog-upload-control-url': url,
    'x-goog-upload-status': 'active',
    'x-goog-upload-chunk-granularity': String(8 * 1024 * 1024),
    'content-length': '0',
  });
  res.end();
}

/**
 * A request to an upload URL: `upload` (a chunk at X-Goog-Upload-Offset), `upload, finalize` (last
 * chunk; answers the operation JSON with `x-goog-upload-status: final`), `query` or `cancel`.
 */
export function continueUpload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { state: GeminiState; settings: GeminiSimSettings },
  uploadId: string,
  body: Buffer,
): void {
  const session = ctx.state.uploads.get(uploadId);
  if (!session) throw new GoogleError(404, `Upload session ${uploadId} not found.`, 'NOT_FOUND');
  const commands = new Set(
    (header(req, 'x-goog-upload-command') ?? '')
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter(Boolean),
  );
  const statusError = (status: string, error: GoogleError) => {
    sendJson(res, error.code, error.body(), { 'x-goog-upload-status': status });
  };
  if (session.finished) {
    statusError('final', invalidArgument('The upload session is already finalized.'));
    return;
  }
  if (commands.has('query')) {
    res.writeHead(200, {
      'x-goog-upload-status': 'active',
      'x-goog-upload-size-received': String(session.receivedBytes),
      'content-length': '0',
    });
    res.end();
    return;
  }
  if (commands.has('cancel')) {
    ctx.state.uploads.delete(uploadId);
    res.writeHead(200, { 'x-goog-upload-status': 'cancelled', 'content-length': '0' });
    res.end();
    return;
  }
  if (!commands.has('upload') && !commands.has('finalize')) {
    statusError('active', invalidArgument(`Unknown X-Goog-Upload-Command "${[...commands].join(', ')}".`));
    return;
  }
  if (commands.has('upload')) {
    const offsetHeader = header(req, 'x-goog-upload-offset');
    const offset = Number(offsetHeader);
    if (offsetHeader === undefined || !Number.isInteger(offset)) {
      statusError('active', invalidArgument('Missing or invalid X-Goog-Upload-Offset.'));
      return;
    }
    if (offset !== session.receivedBytes) {
      statusError(
        'active',
        invalidArgument(
          `X-Goog-Upload-Offset ${offset} does not match the ${session.receivedBytes} bytes received.`,
        ),
      );
      return;
    }
    session.received.push(body);
    session.receivedBytes += body.length;
    if (session.receivedBytes > ctx.settings.maxDocumentBytes) {
      ctx.state.uploads.delete(uploadId);
      statusError(
        'final',
        invalidArgument(`File exceeds the limit of ${ctx.settings.maxDocumentBytes} bytes.`),
      );
      return;
    }
  }
  if (!commands.has('finalize')) {
    res.writeHead(200, {
      'x-goog-upload-status': 'active',
      'x-goog-upload-size-received': String(session.receivedBytes),
      'content-length': '0',
    });
    res.end();
    return;
  }
  if (session.declaredSize !== undefined && session.declaredSize !== session.receivedBytes) {
    ctx.state.uploads.delete(uploadId);
    statusError(
      'final',
      invalidArgument(
        `Received ${session.receivedBytes} bytes but X-Goog-Upload-Header-Content-Length declared ${session.declaredSize}.`,
      ),
    );
    return;
  }
  const op = ctx.state.finishUpload(session);
  if (ctx.settings.operationPolls <= 0) ctx.state.completeOperation(op);
  sendJson(res, 200, operationJson(op, ctx.settings), { 'x-goog-upload-status': 'final' });
}
