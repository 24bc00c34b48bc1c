import type { z } from 'zod';
import { parseJsonBody, type RetryingClientOptions, urlWithQuery, withJsonBody } from '../lib/http.js';
import { backoffDelay, parseRetryAfter, sleep } from '../lib/retry.js';
import { splitText } from '../lib/split-text.js';
import { AVITO_TEXT_LIMIT } from './channel.js';
import { AvitoApiError, AvitoSendError } from './errors.js';
import {
  type AvitoChat,
  type AvitoItem,
  type AvitoMessage,
  type AvitoSent,
  chatSchema,
  chatsResponseSchema,
  itemInfoResponseSchema,
  itemsResponseSchema,
  messagesResponseSchema,
  okResponseSchema,
  selfResponseSchema,
  sendResponseSchema,
  subscriptionsResponseSchema,
} from './schemas.js';
import type { TokenManager } from './token.js';
import {
  errorFromResponse,
  exchange,
  type FetchLike,
  provablyNotDelivered,
  type RawResponse,
} from './transport.js';

/** `maxAttempts` counts idempotent calls, and sends that provably did not deliver. */
export interface AvitoClientOptions extends RetryingClientOptions {
  baseUrl: string;
  tokens: Pick<TokenManager, 'getToken' | 'invalidate'>;
  /** The seller's account id; resolved once through `self()` when not given. */
  userId?: string;
}

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  schema: S;
  /** Safe to repeat after an unknown outcome (reads, mark-read, subscribe). */
  idempotent: boolean;
}

export interface SendResult {
  /** One entry per part (long texts are split at sentence boundaries). */
  messages: AvitoSent[];
}

/**
 * Typed client for the parts of the Avito API we use, with zod-checked responses, a timeout per attempt,
 * backoff that honours `Retry-After`, one token refresh on 401/403, and sends that are never repeated
 * when their outcome is unknown.
 */
export class AvitoClient {
  private userIdPromise: Promise<string> | undefined;
  private readonly fetchFn: FetchLike;

  constructor(private readonly opts: AvitoClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    if (opts.userId) this.userIdPromise = Promise.resolve(opts.userId);
  }

  /** The seller's account id (from config, else `GET /core/v1/accounts/self`, asked once). */
  userId(): Promise<string> {
    this.userIdPromise ??= this.self()
      .then((s) => s.id)
      .catch((err: unknown) => {
        this.userIdPromise = undefined;
        throw err;
      });
    return this.userIdPromise;
  }

  self() {
    return this.call({
      method: 'GET',
      path: '/core/v1/accounts/self',
      schema: selfResponseSchema,
      idempotent: true,
    });
  }

  async listChats(
    params: {
      itemIds?: string[];
      unreadOnly?: boolean;
      chatTypes?: string[];
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<AvitoChat[]> {
    const uid = await this.userId();
    const res = await this.call({
      method: 'GET',
      path: `/messenger/v2/accounts/${uid}/chats`,
      query: {
        item_ids: params.itemIds?.join(','),
        unread_only: params.unreadOnly,
        chat_types: params.chatTypes?.join(','),
        limit: params.limit,
        offset: params.offset,
      },
      schema: chatsResponseSchema,
      idempotent: true,
    });
    return res.chats;
  }

  async getChat(chatId: string): Promise<AvitoChat> {
    const uid = await this.userId();
    return this.call({
      method: 'GET',
      path: `/messenger/v2/accounts/${uid}/chats/${encodeURIComponent(chatId)}`,
      schema: chatSchema,
      idempotent: true,
    });
  }

  /** Messages of a chat, newest first as Avito returns them. Does not mark them read. */
  async listMessages(
    chatId: string,
    params: { limit?: number; offset?: number } = {},
  ): Promise<AvitoMessage[]> {
    const uid = await this.userId();
    return this.call({
      method: 'GET',
      path: `/messenger/v3/accounts/${uid}/chats/${encodeURIComponent(chatId)}/messages/`,
      query: { limit: params.limit, offset: params.offset },
      schema: messagesResponseSchema,
      idempotent: true,
    });
  }

  /**
   * Sends `text` (split into ≤ 1000-character parts). A part is retried inside the call only when the failure
   * proves it was not delivered; any failure ends in {@link AvitoSendError} with the ids already sent.
   */
  async sendText(chatId: string, text: string): Promise<SendResult> {
    const uid = await this.userId();
    const parts = splitText(text, AVITO_TEXT_LIMIT);
    if (parts.length === 0) throw new AvitoApiError('invalid_request', 'refusing to send an empty message');
    const messages: AvitoSent[] = [];
    for (const [index, part] of parts.entries()) {
      try {
        messages.push(
          await this.call({
            method: 'POST',
            path: `/messenger/v1/accounts/${uid}/chats/${encodeURIComponent(chatId)}/messages`,
            body: { message: { text: part }, type: 'text' },
            schema: sendResponseSchema,
            idempotent: false,
          }),
        );
      } catch (err) {
        // Avito answering with an error status, or a connection that never opened, means not delivered.
        // A broken/timed-out exchange, or a 2xx we could not read, may have delivered.
        const refused =
          err instanceof AvitoApiError &&
          err.kind !== 'invalid_response' &&
          (provablyNotDelivered(err) || err.status !== undefined);
        const sentIds = messages.map((m) => m.id);
        throw new AvitoSendError(
          chatId,
          refused ? 'not_delivered' : 'unknown',
          sentIds,
          index,
          err,
          parts.length,
        );
      }
    }
    return { messages };
  }

  async markRead(chatId: string): Promise<void> {
    const uid = await this.userId();
    await this.call({
      method: 'POST',
      path: `/messenger/v1/accounts/${uid}/chats/${encodeURIComponent(chatId)}/read`,
      schema: okResponseSchema,
      idempotent: true,
    });
  }

  async subscribe(url: string): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/messenger/v3/webhook',
      body: { url },
      schema: okResponseSchema,
      idempotent: true,
    });
  }

  async unsubscribe(url: string): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/messenger/v1/webhook/unsubscribe',
      body: { url },
      schema: okResponseSchema,
      idempotent: true,
    });
  }

  async subscriptions(): Promise<Array<{ url: string; version?: string | undefined }>> {
    const res = await this.call({
      method: 'POST',
      path: '/messenger/v1/subscriptions',
      schema: subscriptionsResponseSchema,
      idempotent: true,
    });
    return res.subscriptions;
  }

  /** One page of the seller's own listings (`perPage` 1–99). */
  async listItems(params: { page?: number; perPage?: number; status?: string[] } = {}): Promise<AvitoItem[]> {
    const res = await this.call({
      method: 'GET',
      path: '/core/v1/items',
      query: { per_page: params.perPage ?? 50, page: params.page ?? 1, status: params.status?.join(',') },
      schema: itemsResponseSchema,
      idempotent: true,
    });
    return res.resources;
  }

  async itemInfo(itemId: string) {
    const uid = await this.userId();
    return this.call({
      method: 'GET',
      path: `/core/v1/accounts/${uid}/items/${encodeURIComponent(itemId)}/`,
      schema: itemInfoResponseSchema,
      idempotent: true,
    });
  }

  private async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const maxAttempts = this.opts.maxAttempts ?? 4;
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 500, maxMs: 15_000 };
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.opts.tokens.getToken();
      let res: RawResponse;
      try {
        res = await exchange({
          method: spec.method,
          url: this.url(spec.path, spec.query),
          ...withJsonBody({ authorization: `Bearer ${token}` }, spec.body),
          timeoutMs: this.opts.timeoutMs ?? 15_000,
          fetch: this.fetchFn,
        });
      } catch (err) {
        const error = err as AvitoApiError;
        const repeatable = spec.idempotent || provablyNotDelivered(error);
        if (!repeatable || attempt >= maxAttempts) throw error;
        await sleep(backoffDelay(attempt, baseMs, maxMs));
        continue;
      }

      if (res.status >= 200 && res.status < 300) return this.parse(spec, res);

      if ((res.status === 401 || res.status === 403) && !refreshed) {
        // Avito's guide says 403 for an expired token, the spec 401: refresh once, retry once.
        refreshed = true;
        await this.opts.tokens.invalidate(token);
        attempt -= 1;
        continue;
      }
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const error = errorFromResponse(res, spec.method, spec.path, retryAfterMs);
      if (!error.retryable || attempt >= maxAttempts) throw error;
      const wait = retryAfterMs ?? backoffDelay(attempt, baseMs, maxMs);
      if (wait > (this.opts.maxRetryAfterMs ?? 60_000)) throw error;
      this.opts.logger?.debug({ status: res.status, attempt, wait, path: spec.path }, 'Avito call retried');
      await sleep(wait);
    }
  }

  private parse<S extends z.ZodType>(spec: CallSpec<S>, res: RawResponse): z.output<S> {
    const parsed = parseJsonBody(spec.schema, res.text, {});
    if (parsed.ok) return parsed.data;
    throw new AvitoApiError('invalid_response', `Avito ${spec.method} ${spec.path}: ${parsed.problem}`, {
      status: res.status,
      method: spec.method,
      path: spec.path,
    });
  }

  private url(path: string, query?: CallSpec<z.ZodType>['query']): string {
    return urlWithQuery(this.opts.baseUrl, path, query);
  }
}
