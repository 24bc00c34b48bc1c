/** Parameters Telegram attaches to some errors (flood wait, group migration). */
export interface ErrorParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/**
 * A Bot API failure as Telegram reports it: thrown inside method handlers and rendered as
 * `{ok:false, error_code, description, parameters?}` with the same HTTP status.
 */
export class TgError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ErrorParameters,
  ) {
    super(description);
    this.name = 'TgError';
  }

  toJSON(): { ok: false; error_code: number; description: string; parameters?: ErrorParameters } {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** `400 Bad Request: …` — the most common failure. */
export function badRequest(detail: string): TgError {
  return new TgError(400, `Bad Request: ${detail}`);
}

/** `429 Too Many Requests: retry after N` with `parameters.retry_after`, as auto-retry expects. */
export function tooManyRequests(retryAfter: number): TgError {
  const seconds = Math.max(1, Math.ceil(retryAfter));
  return new TgError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
}

/** Exact texts the real Bot API returns, kept in one place so tests and code agree. */
export const Errors = {
  unauthorized: () => new TgError(401, 'Unauthorized'),
  notFound: () => new TgError(404, 'Not Found'),
  textEmpty: () => badRequest('message text is empty'),
  textTooLong: () => badRequest('message is too long'),
  captionTooLong: () => badRequest('message caption is too long'),
  cantParseEntities: (why: string) => badRequest(`can't parse entities: ${why}`),
  notModified: () =>
    badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    ),
  editNotFound: () => badRequest('message to edit not found'),
  deleteNotFound: () => badRequest('message to delete not found'),
  cantEdit: () => badRequest("message can't be edited"),
  replyNotFound: () => badRequest('message to be replied not found'),
  buttonDataInvalid: () => badRequest('BUTTON_DATA_INVALID'),
  queryTooOld: () => badRequest('query is too old and response timeout expired or query ID is invalid'),
  chatNotFound: () => badRequest('chat not found'),
  blocked: () => new TgError(403, 'Forbidden: bot was blocked by the user'),
  pollConflict: () =>
    new TgError(
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    ),
  pollTerminatedByWebhook: () => new TgError(409, 'Conflict: terminated by setWebhook request'),
  webhookActive: () =>
    new TgError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ),
  fileTooBig: () => badRequest('file is too big'),
  invalidFileId: () => badRequest('invalid file_id'),
  wrongFileId: () => badRequest('wrong file identifier/HTTP URL specified'),
  fileEmpty: () => badRequest('file must be non-empty'),
  entityTooLarge: () => new TgError(413, 'Request Entity Too Large'),
} as const;
