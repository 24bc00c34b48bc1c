import { badRequest, Errors, TgError } from './errors.js';
import { FloodControl, type FloodOptions } from './flood.js';
import type { HtmlOptions } from './html.js';
import type { RequestParams, UploadedFile } from './request.js';
import { parseParams, parseReplyMarkup, Schemas, toEntities } from './schemas.js';
import {
  type ChatState,
  mimeFromName,
  type People,
  SimState,
  type StoredFile,
  type StoredMessage,
} from './state.js';
import { checkCaption, checkMessageText, formatText, Limits } from './text.js';
import type { KeyboardButton, ReplyMarkup, TgCallbackQuery, TgUser } from './types.js';
import { UpdateHub, type WebhookRetryOptions } from './updates.js';

/** How the bot answered a callback query (what the tapping human saw). */
export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  /** Epoch ms of the answer. */
  at: number;
}

/** A callback query the simulator created, and its answer once the bot gave one. */
export interface CallbackRecord {
  query: TgCallbackQuery;
  createdAt: number;
  answer?: CallbackAnswer;
  listeners: Array<(answer: CallbackAnswer) => void>;
}

export interface CoreOptions {
  bot: TgUser;
  seed: number;
  now: () => number;
  html: HtmlOptions;
  flood?: FloodOptions;
  /** A callback query not answered within this time is "too old". Telegram: roughly 15 s. */
  callbackAnswerWindowMs: number;
  webhook: WebhookRetryOptions;
  /** Telegram accepts only HTTPS webhooks; off by default so loopback test servers work. */
  requireHttpsWebhook: boolean;
  /** The humans, shared with the other bots of the same simulator. */
  people?: People;
}

/** A method's success value with the optional `description` Telegram adds (e.g. "Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

interface BotCommand {
  command: string;
  description: string;
}

type Handler = (params: RequestParams, signal: AbortSignal) => unknown | Promise<unknown>;

/** The Bot API's behaviour, independent of HTTP: state, methods, update delivery. */
export class TelegramCore {
  readonly state: SimState;
  readonly hub: UpdateHub;
  readonly flood: FloodControl | undefined;
  readonly callbacks = new Map<string, CallbackRecord>();
  readonly commands = new Map<string, BotCommand[]>();
  private readonly handlers: Map<string, Handler>;

  constructor(readonly options: CoreOptions) {
    this.state = new SimState(options.bot, options.seed, options.now, options.people);
    const firstUpdateId = 100_000_000 + Math.floor(this.state.random() * 800_000_000);
    this.hub = new UpdateHub(firstUpdateId, options.webhook, options.now, async (body) => {
      const { method, ...fields } = body;
      await this.call(String(method), { fields, files: new Map() }, new AbortController().signal).catch(
        () => {},
      );
    });
    this.flood = options.flood ? new FloodControl(options.flood, options.now) : undefined;
    const h: Record<string, Handler> = {
      getMe: () => this.getMe(),
      logOut: () => true,
      close: () => true,
      getUpdates: (p, signal) => this.hub.getUpdates(parseParams(Schemas.getUpdates, p.fields), signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => {
        const { drop_pending_updates } = parseParams(Schemas.deleteWebhook, p.fields);
        return new Described(true, this.hub.deleteWebhook(drop_pending_updates ?? false));
      },
      getWebhookInfo: () => this.hub.webhookInfo(),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => structuredClone(this.commands.get(this.commandsKey(p)) ?? []),
      deleteMyCommands: (p) => {
        this.commands.delete(this.commandsKey(p));
        return true;
      },
      getChat: (p) => this.chatFor(parseParams(Schemas.chatOnly, p.fields).chat_id, false).chat,
      sendChatAction: (p) => {
        this.chatFor(parseParams(Schemas.sendChatAction, p.fields).chat_id, true);
        return true;
      },
      sendMessage: (p) => this.sendMessage(p),
      sendDocument: (p) => this.sendDocument(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      getFile: (p) => this.getFile(p),
    };
    // Method names are case-insensitive on the real server.
    this.handlers = new Map(Object.entries(h).map(([name, fn]) => [name.toLowerCase(), fn]));
  }

  /** Runs one Bot API method; throws TgError with Telegram's code and text on failure. */
  async call(method: string, params: RequestParams, signal: AbortSignal): Promise<unknown> {
    const handler = this.handlers.get(method.toLowerCase());
    if (!handler) throw Errors.notFound();
    return handler(params, signal);
  }

  private getMe() {
    return {
      ...this.options.bot,
      is_bot: true,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  private setWebhook(p: RequestParams): Described {
    const params = parseParams(Schemas.setWebhook, p.fields);
    if (params.url !== '') {
      let url: URL;
      try {
        url = new URL(params.url);
      } catch {
        throw badRequest('invalid webhook URL specified');
      }
      if (url.protocol !== 'https:' && (this.options.requireHttpsWebhook || url.protocol !== 'http:')) {
        throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      }
    }
    if (params.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(params.secret_token)) {
      throw badRequest('secret token contains unallowed characters');
    }
    return new Described(true, this.hub.setWebhook(params));
  }

  private commandsKey(p: RequestParams): string {
    const { scope, language_code } = parseParams(Schemas.commands, p.fields);
    return `${JSON.stringify(scope ?? { type: 'default' })}|${language_code ?? ''}`;
  }

  private setMyCommands(p: RequestParams): boolean {
    const { commands } = parseParams(Schemas.setMyCommands, p.fields);
    if (commands.length > 100) throw badRequest('too many commands specified');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest('BOT_COMMAND_INVALID');
      if (c.description.trim().length === 0 || c.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    const key = this.commandsKey(p);
    if (commands.length === 0) this.commands.delete(key);
    else this.commands.set(key, commands);
    return true;
  }

  /** The chat a method targets; `forSending` also refuses chats whose user blocked the bot. */
  chatFor(chatId: number | string, forSending: boolean): ChatState {
    const chat =
      typeof chatId === 'number'
        ? this.state.chats.get(chatId)
        : [...this.state.chats.values()].find(
            (c) =>
              c.chat.type !== 'private' && c.chat.username !== undefined && `@${c.chat.username}` === chatId,
          );
    if (!chat) throw Errors.chatNotFound();
    if (forSending && chat.blocked) throw Errors.blocked();
    return chat;
  }

  private replyTarget(
    chat: ChatState,
    params: {
      reply_parameters?:
        { message_id: number; allow_sending_without_reply?: boolean | undefined } | undefined;
      reply_to_message_id?: number | undefined;
      allow_sending_without_reply?: boolean | undefined;
    },
  ): number | undefined {
    const id = params.reply_parameters?.message_id ?? params.reply_to_message_id;
    if (id === undefined) return undefined;
    if (chat.messages.has(id)) return id;
    const allow = params.reply_parameters?.allow_sending_without_reply ?? params.allow_sending_without_reply;
    if (allow) return undefined;
    throw Errors.replyNotFound();
  }

  private checkFlood(chat: ChatState): void {
    this.flood?.check(chat.chat.id, chat.chat.type !== 'private');
  }

  private sendMessage(p: RequestParams) {
    const params = parseParams(Schemas.sendMessage, p.fields);
    const chat = this.chatFor(params.chat_id, true);
    const formatted = formatText(
      params.text,
      params.parse_mode,
      toEntities(params.entities),
      this.options.html,
    );
    checkMessageText(formatted);
    const markup = parseReplyMarkup(params.reply_markup);
    const replyToId = this.replyTarget(chat, params);
    this.checkFlood(chat);
    showReplyKeyboard(chat, markup);
    const message = this.state.addMessage(chat.chat.id, {
      fromBot: true,
      from: this.botUser(),
      text: formatted.text,
      entities: formatted.entities,
      ...(markup ? { reply_markup: markup } : {}),
      ...(replyToId !== undefined ? { replyToId } : {}),
    });
    return this.state.render(message);
  }

  private async sendDocument(p: RequestParams) {
    const params = parseParams(Schemas.sendDocument, p.fields);
    const chat = this.chatFor(params.chat_id, true);
    const caption =
      params.caption !== undefined
        ? formatText(
            params.caption,
            params.parse_mode,
            toEntities(params.caption_entities),
            this.options.html,
          )
        : undefined;
    if (caption) checkCaption(caption);
    const markup = parseReplyMarkup(params.reply_markup);
    const replyToId = this.replyTarget(chat, params);
    const file = await this.resolveDocument(params.document, p.files);
    this.checkFlood(chat);
    showReplyKeyboard(chat, markup);
    const message = this.state.addMessage(chat.chat.id, {
      fromBot: true,
      from: this.botUser(),
      document: this.state.documentOf(file),
      ...(caption && caption.text.length > 0
        ? { caption: caption.text, caption_entities: caption.entities }
        : {}),
      ...(markup ? { reply_markup: markup } : {}),
      ...(replyToId !== undefined ? { replyToId } : {}),
    });
    return this.state.render(message);
  }

  /** A document given as an upload (field or `attach://`), an existing file_id, or an HTTP URL. */
  private async resolveDocument(
    value: string | undefined,
    files: Map<string, UploadedFile>,
  ): Promise<StoredFile> {
    let upload: UploadedFile | undefined;
    if (value === undefined) upload = files.get('document');
    else if (value.startsWith('attach://')) upload = files.get(value.slice('attach://'.length));
    if (upload) {
      if (upload.bytes.length === 0) throw Errors.fileEmpty();
      const declared = upload.contentType?.split(';')[0]?.trim();
      const mimeType =
        declared && declared !== 'application/octet-stream'
          ? declared
          : (mimeFromName(upload.fileName) ?? declared);
      return this.state.addFile({
        size: upload.bytes.length,
        bytes: upload.bytes,
        ...(upload.fileName !== undefined ? { fileName: upload.fileName } : {}),
        ...(mimeType !== undefined ? { mimeType } : {}),
      });
    }
    if (value === undefined || value === '') throw badRequest('there is no document in the request');
    const known = this.state.files.get(value);
    if (known) return known;
    if (/^https?:\/\//i.test(value)) return this.downloadDocument(value);
    throw Errors.wrongFileId();
  }

  private async downloadDocument(url: string): Promise<StoredFile> {
    let bytes: Buffer;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(String(res.status));
      bytes = Buffer.from(await res.arrayBuffer());
    } catch {
      throw badRequest('failed to get HTTP URL content');
    }
    if (bytes.length > Limits.downloadBytes) throw badRequest('failed to get HTTP URL content');
    const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'file');
    const mimeType = mimeFromName(fileName);
    return this.state.addFile({ size: bytes.length, bytes, fileName, ...(mimeType ? { mimeType } : {}) });
  }

  /** The bot's own message a method edits: `message to edit not found` when missing or deleted. */
  private editable(params: {
    chat_id?: number | string | undefined;
    message_id?: number | undefined;
    inline_message_id?: string | undefined;
  }): StoredMessage {
    if (params.inline_message_id !== undefined) throw Errors.editNotFound();
    if (params.chat_id === undefined) throw badRequest('chat_id is empty');
    if (params.message_id === undefined) throw badRequest('message identifier is not specified');
    const chat = this.chatFor(params.chat_id, false);
    const message = chat.messages.get(params.message_id);
    if (!message) throw Errors.editNotFound();
    if (!message.fromBot) throw Errors.cantEdit();
    return message;
  }

  private editMessageText(p: RequestParams) {
    const params = parseParams(Schemas.editMessageText, p.fields);
    const message = this.editable(params);
    if (message.text === undefined) throw badRequest('there is no text in the message to edit');
    const formatted = formatText(
      params.text,
      params.parse_mode,
      toEntities(params.entities),
      this.options.html,
    );
    checkMessageText(formatted);
    // Like Telegram, an edit without reply_markup removes the inline keyboard.
    const markup = parseReplyMarkup(params.reply_markup);
    if (
      message.text === formatted.text &&
      same(message.entities ?? [], formatted.entities) &&
      same(message.reply_markup, markup)
    ) {
      throw Errors.notModified();
    }
    message.text = formatted.text;
    message.entities = formatted.entities;
    setMarkup(message, markup);
    message.edit_date = this.state.unixTime();
    return this.state.render(message);
  }

  private editMessageReplyMarkup(p: RequestParams) {
    const params = parseParams(Schemas.editMessageReplyMarkup, p.fields);
    const message = this.editable(params);
    const markup = parseReplyMarkup(params.reply_markup);
    if (same(message.reply_markup, markup)) throw Errors.notModified();
    setMarkup(message, markup);
    message.edit_date = this.state.unixTime();
    return this.state.render(message);
  }

  private deleteMessage(p: RequestParams): boolean {
    const params = parseParams(Schemas.deleteMessage, p.fields);
    const chat = this.chatFor(params.chat_id, false);
    if (!chat.messages.delete(params.message_id)) throw Errors.deleteNotFound();
    return true;
  }

  private answerCallbackQuery(p: RequestParams): boolean {
    const params = parseParams(Schemas.answerCallbackQuery, p.fields);
    const record = this.callbacks.get(params.callback_query_id);
    const now = this.options.now();
    if (!record || record.answer || now - record.createdAt > this.options.callbackAnswerWindowMs) {
      throw Errors.queryTooOld();
    }
    if (params.text !== undefined && [...params.text].length > Limits.callbackAnswerText) {
      throw badRequest('MESSAGE_TOO_LONG');
    }
    const answer: CallbackAnswer = { at: now };
    if (params.text !== undefined) answer.text = params.text;
    if (params.show_alert !== undefined) answer.show_alert = params.show_alert;
    if (params.url !== undefined) answer.url = params.url;
    if (params.cache_time !== undefined) answer.cache_time = params.cache_time;
    record.answer = answer;
    for (const listener of record.listeners.splice(0)) listener(answer);
    return true;
  }

  private getFile(p: RequestParams) {
    const { file_id } = parseParams(Schemas.getFile, p.fields);
    const file = this.state.files.get(file_id);
    if (!file) throw Errors.invalidFileId();
    if (file.size > Limits.downloadBytes) throw Errors.fileTooBig();
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.size,
      file_path: this.state.filePath(file),
    };
  }

  botUser(): TgUser {
    const { id, first_name, username } = this.options.bot;
    return { id, is_bot: true, first_name, ...(username ? { username } : {}) };
  }

  close(): void {
    this.hub.close();
  }
}

/**
 * What a sent message's markup does to the user's keyboard: a reply keyboard replaces theirs, `remove_keyboard`
 * removes it, inline keyboards and no markup leave it as it is.
 */
function showReplyKeyboard(chat: ChatState, markup: ReplyMarkup | undefined): void {
  const fields = markup as Record<string, unknown> | undefined;
  if (!fields) return;
  if (Array.isArray(fields.keyboard)) {
    chat.replyKeyboard = (fields.keyboard as Array<Array<KeyboardButton | string>>).map((row) =>
      row.map((b) => (typeof b === 'string' ? { text: b } : b)),
    );
  } else if (fields.remove_keyboard === true) {
    delete chat.replyKeyboard;
  }
}

function setMarkup(message: StoredMessage, markup: ReplyMarkup | undefined): void {
  if (markup) message.reply_markup = markup;
  else delete message.reply_markup;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Key order and empty keyboards do not make two markups different. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    const out = Object.fromEntries(entries.map(([k, v]) => [k, normalize(v)]));
    if (Array.isArray(out.inline_keyboard) && out.inline_keyboard.length === 0) return undefined;
    return out;
  }
  return value;
}

export { TgError };
