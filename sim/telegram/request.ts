import type { IncomingMessage } from 'node:http';
import { badRequest, Errors } from './errors.js';
import { Limits } from './text.js';

/** A file part of a multipart request. */
export interface UploadedFile {
  fieldName: string;
  fileName?: string;
  contentType?: string;
  bytes: Buffer;
}

/** Method parameters from the query string and the body, whatever the encoding. */
export interface RequestParams {
  fields: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Room for the multipart framing and the other fields around a maximal upload. */
const MAX_BODY = Limits.uploadBytes + 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw Errors.entityTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads Bot API parameters like the real server: query string merged with a JSON, urlencoded or
 * multipart body. Multipart is parsed leniently because grammY writes unquoted (possibly non-ASCII)
 * file names that stricter parsers such as busboy drop.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<RequestParams> {
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  if (req.method === 'GET' || req.method === 'HEAD') return { fields, files };
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const body = await readBody(req);
  if (body.length === 0) return { fields, files };
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(fields, parsed);
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (b) parseMultipart(body, b, fields, files);
  } else {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  return { fields, files };
}

function parseMultipart(
  body: Buffer,
  boundary: string,
  fields: Record<string, unknown>,
  files: Map<string, UploadedFile>,
): void {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd !== -1 && headerEnd < end) {
      const headers = parseHeaders(body.subarray(start, headerEnd).toString('utf8'));
      const content = body.subarray(headerEnd + 4, end);
      const disposition = headers['content-disposition'] ?? '';
      const name = param(disposition, 'name');
      const fileName = param(disposition, 'filename');
      if (name !== undefined) {
        if (fileName !== undefined) {
          if (content.length > Limits.uploadBytes) throw Errors.entityTooLarge();
          files.set(name, {
            fieldName: name,
            fileName,
            ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
            bytes: Buffer.from(content),
          });
        } else {
          fields[name] = content.toString('utf8');
        }
      }
    }
    pos = next;
  }
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A `content-disposition` parameter, quoted or not (`filename*=utf-8''…` too). */
function param(disposition: string, key: string): string | undefined {
  const star = new RegExp(`(?:^|;)\\s*${key}\\*=(?:utf-8'[^']*')?([^;]*)`, 'i').exec(disposition);
  if (star?.[1] !== undefined) return decodeURIComponent(star[1].trim());
  const re = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, 'i').exec(disposition);
  if (!re) return undefined;
  return re[1] ?? re[2]?.trim();
}
