import { randomBytes } from 'node:crypto';
import { seededRandom } from '../common/faults.js';
import type { KeyboardButton, TgChat, TgDocument, TgMessage, TgUser } from './types.js';

/** A message as the simulator keeps it: the current content after edits, replies by id. */
export type StoredMessage = Omit<TgMessage, 'chat' | 'reply_to_message' | 'from'> & {
  chatId: number;
  fromBot: boolean;
  from: TgUser;
  replyToId?: number;
};

/** One private chat or group the bot knows, with what its members currently see. */
export interface ChatState {
  chat: TgChat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Private chat whose user blocked the bot: sends fail with 403. */
  blocked: boolean;
  /** The reply keyboard the bot last gave this chat (shown under the input field until removed or replaced). */
  replyKeyboard?: KeyboardButton[][];
}

/**
 * The humans, shared by every bot the simulator serves: one Telegram account is the same person (id, name,
 * language, phone) to every bot it talks to, while each bot has chats, messages and updates of its own.
 */
export class People {
  readonly users = new Map<number, TgUser>();
  /** Phone numbers of the accounts, as a `request_contact` button shares them. */
  readonly phones = new Map<number, string>();

  /** The account's phone: the one set, else a stable made-up Russian mobile derived from the id. */
  phoneOf(userId: number): string {
    return this.phones.get(userId) ?? `7999${String(Math.abs(userId) % 10_000_000).padStart(7, '0')}`;
  }
}

/** A file Telegram stores: uploaded by the bot, or sent by a user. Content may be only declared. */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  size: number;
  fileName?: string;
  mimeType?: string;
  /** Real bytes when known; a declared-size file without bytes serves deterministic filler. */
  bytes?: Buffer;
  /** Set by `getFile`, the path of the download route. */
  path?: string;
}

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** MIME type Telegram derives from a file name (uploads from grammY arrive as octet-stream). */
export function mimeFromName(fileName: string | undefined): string | undefined {
  const ext = fileName?.split('.').pop()?.toLowerCase();
  return ext ? MIME_BY_EXT[ext] : undefined;
}

/** Chats, users, messages and files: everything the Bot API remembers. */
export class SimState {
  readonly users: Map<number, TgUser>;
  readonly chats = new Map<number, ChatState>();
  readonly files = new Map<string, StoredFile>();
  readonly filesByPath = new Map<string, StoredFile>();
  readonly random: () => number;

  constructor(
    readonly bot: TgUser,
    seed: number,
    readonly now: () => number,
    readonly people: People = new People(),
  ) {
    this.random = seededRandom(seed);
    this.users = people.users;
  }

  /** Unix seconds, as every Bot API date. */
  unixTime(): number {
    return Math.floor(this.now() / 1000);
  }

  /** A decimal id like Telegram's callback query ids. */
  randomDigits(length: number): string {
    let s = String(1 + Math.floor(this.random() * 9));
    while (s.length < length) s += String(Math.floor(this.random() * 10));
    return s;
  }

  private randomToken(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.random() * alphabet.length)];
    return s;
  }

  /** Adds or updates a human; fields left out keep their previous value. */
  upsertUser(user: Partial<TgUser> & { id: number }): TgUser {
    const { id, ...fields } = user;
    const merged: TgUser = { id, is_bot: false, first_name: `User ${id}`, ...this.users.get(id), ...fields };
    this.users.set(id, merged);
    return merged;
  }

  /** Registers a chat (a private chat for a positive id unless a type is given). */
  upsertChat(chat: Partial<TgChat> & { id: number }): ChatState {
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = { ...existing.chat, ...chat };
      return existing;
    }
    const type =
      chat.type ?? (chat.id > 0 ? 'private' : String(chat.id).startsWith('-100') ? 'supergroup' : 'group');
    let full: TgChat;
    if (type === 'private') {
      const user = this.users.get(chat.id) ?? this.upsertUser({ id: chat.id, first_name: chat.first_name });
      full = {
        id: chat.id,
        type,
        first_name: chat.first_name ?? user.first_name,
        ...(user.last_name ? { last_name: user.last_name } : {}),
        ...(user.username ? { username: user.username } : {}),
      };
    } else {
      full = { id: chat.id, type, title: chat.title ?? `Group ${chat.id}` };
    }
    const state: ChatState = { chat: full, nextMessageId: 1, messages: new Map(), blocked: false };
    this.chats.set(chat.id, state);
    return state;
  }

  /** Adds a message with the chat's next id (ids are per chat and shared by bot and users). */
  addMessage(chatId: number, fields: Omit<StoredMessage, 'message_id' | 'chatId' | 'date'>): StoredMessage {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`unknown chat ${chatId}`);
    const message: StoredMessage = {
      message_id: chat.nextMessageId++,
      chatId,
      date: this.unixTime(),
      ...fields,
    };
    chat.messages.set(message.message_id, message);
    return message;
  }

  getMessage(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  /** The Bot API `Message` for a stored one (with `reply_to_message` one level deep, like Telegram). */
  render(message: StoredMessage, depth = 0): TgMessage {
    const chat = this.chats.get(message.chatId)!;
    const out: TgMessage = {
      message_id: message.message_id,
      from: message.from,
      chat: chat.chat,
      date: message.date,
    };
    if (message.edit_date !== undefined) out.edit_date = message.edit_date;
    if (message.replyToId !== undefined && depth === 0) {
      const replied = chat.messages.get(message.replyToId);
      if (replied) out.reply_to_message = this.render(replied, 1);
    }
    if (message.text !== undefined) out.text = message.text;
    if (message.entities?.length) out.entities = message.entities;
    if (message.document) out.document = message.document;
    if (message.contact) out.contact = message.contact;
    if (message.caption !== undefined) out.caption = message.caption;
    if (message.caption_entities?.length) out.caption_entities = message.caption_entities;
    if (message.reply_markup && depth === 0) out.reply_markup = message.reply_markup;
    return structuredClone(out);
  }

  /** Stores a file and gives it Telegram-looking ids. */
  addFile(file: { size: number; fileName?: string; mimeType?: string; bytes?: Buffer }): StoredFile {
    const stored: StoredFile = {
      file_id: `BQACAgIAAxkBAAI${this.randomToken(55)}`,
      file_unique_id: `AgAD${this.randomToken(12)}`,
      ...file,
    };
    this.files.set(stored.file_id, stored);
    return stored;
  }

  /** Assigns the download path on first `getFile` (`documents/file_N.ext`). */
  filePath(file: StoredFile): string {
    if (!file.path) {
      const ext = file.fileName?.includes('.') ? `.${file.fileName.split('.').pop()}` : '';
      file.path = `documents/file_${this.filesByPath.size}${ext}`;
      this.filesByPath.set(file.path, file);
    }
    return file.path;
  }

  /** The bytes served by the download route (declared-size files get filler bytes). */
  fileBytes(file: StoredFile): Buffer {
    file.bytes ??= randomBytes(file.size);
    return file.bytes;
  }

  documentOf(file: StoredFile): TgDocument {
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      ...(file.fileName !== undefined ? { file_name: file.fileName } : {}),
      ...(file.mimeType !== undefined ? { mime_type: file.mimeType } : {}),
      file_size: file.size,
    };
  }
}
