import type { CallbackAnswer, CallbackRecord, TelegramCore } from './methods.js';
import type { ChatState } from './state.js';
import { commandEntities } from './text.js';
import type {
  InlineButton,
  InlineKeyboardMarkup,
  TgChat,
  TgContact,
  TgMessage,
  TgUpdate,
  TgUser,
} from './types.js';

/** Who acts and where: a chat id (private chat of that user, or a group with the default user), or both. */
export type Target =
  | number
  | {
      user?: Partial<TgUser> & { id: number };
      chat?: Partial<TgChat> & { id: number };
    };

/** What an actor's action produced: the visible message and the update (absent if allowed_updates filtered it). */
export interface Sent {
  message: TgMessage;
  update: TgUpdate | undefined;
}

/** A document a human sends: real bytes, or only a declared size (for "file is too big"). */
export interface DocumentInit {
  to?: Target;
  fileName: string;
  mimeType?: string;
  bytes?: Buffer | Uint8Array | string;
  size?: number;
  caption?: string;
}

/** A tap on an inline button and what the bot answered. */
export interface TapHandle {
  /** The callback_query id the bot must answer. */
  id: string;
  update: TgUpdate | undefined;
  readonly answered: boolean;
  readonly answer: CallbackAnswer | undefined;
  /** Resolves with the answer; rejects after `timeoutMs` (default 2000) without one. */
  waitForAnswer(timeoutMs?: number): Promise<CallbackAnswer>;
}

/** The humans around the bot: they write, reply, send files, tap buttons, delete, block. */
export class Actors {
  constructor(
    private readonly core: TelegramCore,
    private readonly defaultUser: TgUser,
  ) {}

  private resolve(target: Target | undefined): { chat: ChatState; user: TgUser } {
    const { state } = this.core;
    const t = target ?? this.defaultUser.id;
    const chatInit =
      typeof t === 'number' ? { id: t } : (t.chat ?? { id: t.user?.id ?? this.defaultUser.id });
    let userInit = typeof t === 'number' ? undefined : t.user;
    const isPrivate = chatInit.type === 'private' || (chatInit.type === undefined && chatInit.id > 0);
    if (!userInit) userInit = isPrivate ? { id: chatInit.id } : this.defaultUser;
    const user = state.upsertUser(userInit);
    const chat = state.upsertChat(chatInit);
    return { chat, user };
  }

  private publish(kind: 'message', message: TgMessage, chat: ChatState): TgUpdate | undefined {
    return this.core.hub.push(kind, { message }, `chat:${chat.chat.id}`);
  }

  /** A human writes `text` (commands get a `bot_command` entity); `replyTo` makes it a reply. */
  userSends(target: Target, text: string, opts: { replyTo?: number } = {}): Sent {
    const { chat, user } = this.resolve(target);
    if (opts.replyTo !== undefined && !chat.messages.has(opts.replyTo)) {
      throw new Error(`message ${opts.replyTo} is not visible in chat ${chat.chat.id}`);
    }
    const entities = commandEntities(text);
    const stored = this.core.state.addMessage(chat.chat.id, {
      fromBot: false,
      from: user,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(opts.replyTo !== undefined ? { replyToId: opts.replyTo } : {}),
    });
    const message = this.core.state.render(stored);
    return { message, update: this.publish('message', message, chat) };
  }

  /**
   * A human replies to a message (Telegram's "reply" gesture). A bare message id is looked up across chats
   * and must be unambiguous; pass `{chatId, messageId}` otherwise.
   */
  userReplies(to: number | { chatId: number; messageId: number }, text: string, user?: TgUser): Sent {
    let chatId: number;
    let messageId: number;
    if (typeof to === 'number') {
      const holders = [...this.core.state.chats.values()].filter((c) => c.messages.has(to));
      if (holders.length !== 1) {
        throw new Error(`message id ${to} is in ${holders.length} chats; pass {chatId, messageId}`);
      }
      chatId = holders[0]!.chat.id;
      messageId = to;
    } else {
      ({ chatId, messageId } = to);
    }
    const target: Target = user ? { user, chat: { id: chatId } } : chatId;
    return this.userSends(target, text, { replyTo: messageId });
  }

  /**
   * A human opens the bot, by its Start button or a deep link `t.me/<bot>?start=<payload>`: the client sends
   * `/start` or `/start <payload>` (the command marked as such, the payload as plain text). Telegram accepts
   * payloads of 1–64 characters of `A-Z a-z 0-9 _ -`; another one is a test's mistake and throws.
   */
  userStarts(target: Target, payload?: string): Sent {
    if (payload !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
      throw new Error(`a deep-link start parameter is 1-64 characters of A-Z, a-z, 0-9, _ and -: ${payload}`);
    }
    return this.userSends(target, payload === undefined ? '/start' : `/start ${payload}`);
  }

  /**
   * A human presses a button of the reply keyboard the bot gave the chat: a text button sends its text, a
   * `request_contact` button shares the account's own phone as a `contact` message. Throws when the chat shows
   * no such button (a human cannot press what they do not see).
   */
  pressKeyboardButton(target: Target, text: string): Sent {
    const { chat, user } = this.resolve(target);
    const rows = chat.replyKeyboard ?? [];
    const button = rows.flat().find((b) => b.text === text);
    if (!button) {
      const shown = rows.flat().map((b) => b.text);
      throw new Error(
        `no keyboard button "${text}" in chat ${chat.chat.id} (shown: ${shown.join(', ') || 'none'})`,
      );
    }
    if (!button.request_contact) return this.userSends(target, button.text);
    return this.userSendsContact(target, {
      phone_number: this.core.state.people.phoneOf(user.id),
      first_name: user.first_name,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      user_id: user.id,
    });
  }

  /**
   * A human sends a contact card from the attachment menu (anyone's, with no keyboard needed): Telegram fills
   * `user_id` only for a contact that is a Telegram user.
   */
  userSendsContact(target: Target, contact: TgContact): Sent {
    const { chat, user } = this.resolve(target);
    const stored = this.core.state.addMessage(chat.chat.id, { fromBot: false, from: user, contact });
    const message = this.core.state.render(stored);
    return { message, update: this.publish('message', message, chat) };
  }

  /** Presses the reply keyboard's `request_contact` button, whatever its label (see {@link pressKeyboardButton}). */
  userSharesContact(target: Target): Sent {
    const { chat } = this.resolve(target);
    const button = chat.replyKeyboard?.flat().find((b) => b.request_contact);
    if (!button) throw new Error(`chat ${chat.chat.id} shows no button that shares the phone number`);
    return this.pressKeyboardButton(target, button.text);
  }

  /** The reply keyboard the chat shows, as button labels by row (empty when none). */
  replyKeyboard(chatId: number): string[][] {
    return (this.core.state.chats.get(chatId)?.replyKeyboard ?? []).map((row) => row.map((b) => b.text));
  }

  /** A human sends a document; the file is stored and served by getFile + the download route. */
  userSendsDocument(doc: DocumentInit): Sent & { fileId: string } {
    const { chat, user } = this.resolve(doc.to);
    const bytes =
      doc.bytes === undefined
        ? undefined
        : typeof doc.bytes === 'string'
          ? Buffer.from(doc.bytes)
          : Buffer.from(doc.bytes);
    const size = doc.size ?? bytes?.length ?? 0;
    const file = this.core.state.addFile({
      size,
      fileName: doc.fileName,
      ...(doc.mimeType !== undefined ? { mimeType: doc.mimeType } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
    });
    const stored = this.core.state.addMessage(chat.chat.id, {
      fromBot: false,
      from: user,
      document: this.core.state.documentOf(file),
      ...(doc.caption !== undefined ? { caption: doc.caption } : {}),
    });
    const message = this.core.state.render(stored);
    return { message, update: this.publish('message', message, chat), fileId: file.file_id };
  }

  /**
   * A human taps an inline button of a visible message, found by its text or its callback_data.
   * Throws when the message or button is not there (a human cannot tap what they do not see).
   */
  tap(chatId: number, messageId: number, button: string, user?: TgUser): TapHandle {
    const chat = this.core.state.chats.get(chatId);
    const stored = chat?.messages.get(messageId);
    if (!chat || !stored) throw new Error(`message ${messageId} is not visible in chat ${chatId}`);
    const found = buttonsOf(stored.reply_markup).find((b) => b.text === button || b.callback_data === button);
    if (!found) throw new Error(`no button "${button}" on message ${messageId} in chat ${chatId}`);
    if (found.callback_data === undefined) throw new Error(`button "${button}" is not a callback button`);
    const from =
      user ?? (chat.chat.type === 'private' ? this.core.state.users.get(chatId)! : this.defaultUser);
    const { state } = this.core;
    const record: CallbackRecord = {
      query: {
        id: state.randomDigits(19),
        from,
        message: state.render(stored),
        chat_instance: `-${state.randomDigits(18)}`,
        data: found.callback_data,
      },
      createdAt: this.core.options.now(),
      listeners: [],
    };
    this.core.callbacks.set(record.query.id, record);
    const update = this.core.hub.push('callback_query', { callback_query: record.query }, `user:${from.id}`);
    return {
      id: record.query.id,
      update,
      get answered() {
        return record.answer !== undefined;
      },
      get answer() {
        return record.answer;
      },
      waitForAnswer(timeoutMs = 2000) {
        if (record.answer) return Promise.resolve(record.answer);
        return new Promise<CallbackAnswer>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`callback query ${record.query.id} not answered in ${timeoutMs} ms`)),
            timeoutMs,
          );
          record.listeners.push((answer) => {
            clearTimeout(timer);
            resolve(answer);
          });
        });
      },
    };
  }

  /** A human deletes a message (e.g. the owner removes a card); no update is sent, as in private chats. */
  userDeletes(chatId: number, messageId: number): void {
    this.core.state.chats.get(chatId)?.messages.delete(messageId);
  }

  /** The user blocks (or unblocks) the bot: sends fail with 403 and a `my_chat_member` update arrives. */
  setBlocked(chatId: number, blocked: boolean): void {
    const { chat } = this.resolve(chatId);
    if (chat.blocked === blocked) return;
    chat.blocked = blocked;
    const user = this.core.state.users.get(chatId) ?? this.defaultUser;
    const bot = this.core.botUser();
    this.core.hub.push(
      'my_chat_member',
      {
        my_chat_member: {
          chat: chat.chat,
          from: user,
          date: this.core.state.unixTime(),
          old_chat_member: { user: bot, status: blocked ? 'member' : 'kicked' },
          new_chat_member: blocked
            ? { user: bot, status: 'kicked', until_date: 0 }
            : { user: bot, status: 'member' },
        },
      },
      `chat:${chatId}`,
    );
  }
}

/** All buttons of an inline keyboard, row by row. */
export function buttonsOf(markup: unknown): InlineButton[] {
  const rows = (markup as InlineKeyboardMarkup | undefined)?.inline_keyboard;
  return Array.isArray(rows) ? rows.flat() : [];
}
