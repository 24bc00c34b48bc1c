import type { Entity } from './html.js';

/** Bot API `User`. */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** Bot API `Chat` (the short form embedded in messages). */
export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

/** One inline keyboard button (the kinds the simulator knows; other fields are kept as sent). */
export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineButton[][];
}

/** One button of a reply keyboard (the custom keyboard under the input field); a bare string is a text button. */
export interface KeyboardButton {
  text: string;
  /** Pressing it shares the user's own phone number as a `contact` message (private chats only). */
  request_contact?: boolean;
  [field: string]: unknown;
}

/** Bot API `ReplyKeyboardMarkup`: replaces the user's keyboard until removed or replaced. */
export interface ReplyKeyboardMarkup {
  keyboard: Array<Array<KeyboardButton | string>>;
  one_time_keyboard?: boolean;
  resize_keyboard?: boolean;
  [field: string]: unknown;
}

/** Any `reply_markup` a message may carry (inline and reply keyboards are validated, the rest stored as sent). */
export type ReplyMarkup = InlineKeyboardMarkup | Record<string, unknown>;

/** Bot API `Contact`: a phone number shared in a message (`user_id` when it is a Telegram user's own). */
export interface TgContact {
  phone_number: string;
  first_name: string;
  last_name?: string;
  user_id?: number;
}

/** Bot API `Document`. */
export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** Bot API `Message` (the fields this project uses). */
export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: Entity[];
  caption?: string;
  caption_entities?: Entity[];
  document?: TgDocument;
  contact?: TgContact;
  reply_markup?: ReplyMarkup;
  reply_to_message?: TgMessage;
}

/** Bot API `CallbackQuery`. */
export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

/** Bot API `ChatMemberUpdated` (only what `my_chat_member` needs). */
export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: { user: TgUser; status: string };
  new_chat_member: { user: TgUser; status: string; until_date?: number };
}

/** Bot API `Update` (the kinds the simulator produces). */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  my_chat_member?: TgChatMemberUpdated;
}

/** Update kinds Telegram sends unless `allowed_updates` asks for others. */
export const DEFAULT_ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;

/** Every update kind the Bot API knows (`allowed_updates` entries outside this list are ignored). */
export const ALL_UPDATE_TYPES = [
  ...DEFAULT_ALLOWED_UPDATES,
  'chat_member',
  'message_reaction',
  'message_reaction_count',
];
