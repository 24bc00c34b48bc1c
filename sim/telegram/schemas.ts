import { z } from 'zod';
import { badRequest, Errors, type TgError } from './errors.js';
import type { Entity } from './html.js';
import { Limits } from './text.js';
import type { InlineButton, ReplyMarkup } from './types.js';

// Form and multipart bodies carry every value as a string (objects as JSON text); JSON bodies carry real
// types. These helpers accept both, as the Bot API does.

const intFromString = (v: unknown) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);
const fromJson = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

export const int = z.preprocess(intFromString, z.number().int());
export const bool = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' || v === '' ? false : v),
  z.boolean(),
);
export const str = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());
export const json = <T extends z.ZodType>(schema: T) => z.preprocess(fromJson, schema);
export const chatId = z.preprocess(intFromString, z.union([z.number().int(), z.string().regex(/^@\w+$/)]));
const entity = z
  .object({
    type: z.string(),
    offset: int,
    length: int,
    url: z.string().optional(),
    language: z.string().optional(),
  })
  .loose();
export const entities = json(z.array(entity));
export const stringList = json(z.array(z.string()));
export const replyParameters = json(
  z
    .object({
      message_id: int,
      chat_id: chatId.optional(),
      allow_sending_without_reply: bool.optional(),
    })
    .loose(),
);

const sendCommon = {
  chat_id: chatId,
  reply_markup: z.unknown().optional(),
  reply_parameters: replyParameters.optional(),
  reply_to_message_id: int.optional(),
  allow_sending_without_reply: bool.optional(),
  disable_notification: bool.optional(),
  protect_content: bool.optional(),
  message_thread_id: int.optional(),
};

/** Parameter schemas of the methods the simulator implements (unknown extra fields are ignored). */
export const Schemas = {
  getUpdates: z.object({
    offset: int.optional(),
    limit: int.optional(),
    timeout: int.optional(),
    allowed_updates: stringList.optional(),
  }),
  setWebhook: z.object({
    url: str,
    secret_token: str.optional(),
    max_connections: int.optional(),
    ip_address: str.optional(),
    allowed_updates: stringList.optional(),
    drop_pending_updates: bool.optional(),
  }),
  deleteWebhook: z.object({ drop_pending_updates: bool.optional() }),
  commands: z.object({
    scope: json(z.object({ type: z.string() }).loose()).optional(),
    language_code: str.optional(),
  }),
  setMyCommands: z.object({
    commands: json(z.array(z.object({ command: str, description: str }))),
    scope: json(z.object({ type: z.string() }).loose()).optional(),
    language_code: str.optional(),
  }),
  sendMessage: z.object({
    ...sendCommon,
    text: str,
    parse_mode: str.optional(),
    entities: entities.optional(),
  }),
  sendDocument: z.object({
    ...sendCommon,
    document: str.optional(),
    caption: str.optional(),
    parse_mode: str.optional(),
    caption_entities: entities.optional(),
  }),
  editMessageText: z.object({
    chat_id: chatId.optional(),
    message_id: int.optional(),
    inline_message_id: str.optional(),
    text: str,
    parse_mode: str.optional(),
    entities: entities.optional(),
    reply_markup: z.unknown().optional(),
  }),
  editMessageReplyMarkup: z.object({
    chat_id: chatId.optional(),
    message_id: int.optional(),
    inline_message_id: str.optional(),
    reply_markup: z.unknown().optional(),
  }),
  deleteMessage: z.object({ chat_id: chatId, message_id: int }),
  answerCallbackQuery: z.object({
    callback_query_id: str,
    text: str.optional(),
    show_alert: bool.optional(),
    url: str.optional(),
    cache_time: int.optional(),
  }),
  getFile: z.object({ file_id: str }),
  chatOnly: z.object({ chat_id: chatId }),
  sendChatAction: z.object({ chat_id: chatId, action: str }),
} as const;

/**
 * Parses method parameters; a failure becomes a Telegram-style 400 (`<field> is empty` when the field is
 * missing, `message text is empty` for `text`).
 */
export function parseParams<T extends z.ZodType>(schema: T, fields: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? 'parameters');
  const value = fields[field];
  if (value === undefined || value === '') {
    if (field === 'text') throw Errors.textEmpty();
    throw badRequest(`${field} is empty`);
  }
  if (field === 'chat_id') throw Errors.chatNotFound();
  throw badRequest(`invalid ${field} specified`);
}

const ACTION_FIELDS = [
  'callback_data',
  'url',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'callback_game',
  'pay',
  'web_app',
  'copy_text',
];

/**
 * Validates `reply_markup` like Telegram: inline keyboards must be arrays of arrays of buttons with one
 * action each, `callback_data` 1–64 bytes (`BUTTON_DATA_INVALID`), URLs valid. Returns undefined when absent.
 */
export function parseReplyMarkup(raw: unknown): ReplyMarkup | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = fromJson(raw);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const markup = value as Record<string, unknown>;
  if ('keyboard' in markup) return parseReplyKeyboard(markup);
  if ('remove_keyboard' in markup && markup.remove_keyboard !== true) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if (!('inline_keyboard' in markup)) return markup;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  const keyboard: InlineButton[][] = (rows as unknown[][]).map((row) =>
    row.map((button) => {
      if (!button || typeof button !== 'object') {
        throw badRequest("can't parse inline keyboard button: InlineKeyboardButton should be an Object");
      }
      const b = button as Record<string, unknown>;
      if (typeof b.text !== 'string') {
        throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
      }
      if (!ACTION_FIELDS.some((f) => b[f] !== undefined)) {
        throw badRequest(
          "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        );
      }
      if (b.callback_data !== undefined) {
        const data = b.callback_data;
        const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
        if (bytes < 1 || bytes > Limits.callbackData) throw Errors.buttonDataInvalid();
      }
      if (b.url !== undefined && !validButtonUrl(b.url)) {
        throw badRequest(`inline keyboard button URL '${String(b.url)}' is invalid: Wrong HTTP URL`);
      }
      return b as InlineButton;
    }),
  );
  return { ...markup, inline_keyboard: keyboard };
}

/**
 * A reply keyboard: arrays of arrays of buttons, each a non-empty string or an object with a non-empty `text`
 * (request flags must be booleans). [U] the wording of these refusals is modelled on Telegram's other
 * markup errors, not captured from the real server.
 */
function parseReplyKeyboard(markup: Record<string, unknown>): ReplyMarkup {
  const rows = markup.keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
  }
  for (const button of (rows as unknown[][]).flat()) {
    const text = typeof button === 'string' ? button : (button as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text.length === 0) {
      throw badRequest('can\'t parse keyboard button: Field "text" must be of type String');
    }
    const b = typeof button === 'object' ? (button as Record<string, unknown>) : {};
    for (const flag of ['request_contact', 'request_location']) {
      if (b[flag] !== undefined && typeof b[flag] !== 'boolean') {
        throw badRequest(`can't parse keyboard button: Field "${flag}" must be of type Boolean`);
      }
    }
  }
  return markup;
}

function validButtonUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  try {
    const parsed = new URL(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`);
    return (
      ['http:', 'https:', 'tg:'].includes(parsed.protocol) &&
      (parsed.protocol === 'tg:' || parsed.hostname.includes('.') || parsed.hostname === 'localhost')
    );
  } catch {
    return false;
  }
}

/** Converts explicit `entities` parameters to the simulator's entity type. */
export function toEntities(list: z.output<typeof entities> | undefined): Entity[] | undefined {
  return list?.map((e) => ({ ...e }) as Entity);
}

/** Thrown for a method name the Bot API does not have. */
export const notFound = (): TgError => Errors.notFound();
