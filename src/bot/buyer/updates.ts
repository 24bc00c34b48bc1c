/**
 * The parts of a buyer's update the bot reads, validated with zod before anything is used: a buyer is anyone
 * on Telegram, and what they send reaches the store, the model and the owner's card.
 */
import type { Locale } from '../../texts/index.js';
import { z } from 'zod';

const int = z.number().int();
const userSchema = z.object({
  id: int.positive(),
  is_bot: z.boolean(),
  first_name: z.string().max(256),
  last_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
  language_code: z.string().max(35).optional(),
});
/** The buyer bot talks in private chats only (a group it is added to is ignored). */
const privateChat = z.object({ id: int, type: z.literal('private') });
const base = { message_id: int.positive(), date: int.nonnegative(), chat: privateChat, from: userSchema };

export const textMessageSchema = z.object({
  ...base,
  text: z.string().min(1).max(4096),
  entities: z.array(z.object({ type: z.string(), offset: int, length: int })).optional(),
});

export const contactMessageSchema = z.object({
  ...base,
  contact: z.object({
    phone_number: z.string().min(3).max(32),
    first_name: z.string().max(256),
    last_name: z.string().max(256).optional(),
    user_id: int.optional(),
  }),
});

/** Any other message a buyer sends (a photo, a voice note, a sticker…): its kind is told by the keys present. */
export const otherMessageSchema = z.object({ ...base, caption: z.string().max(1024).optional() }).loose();

/** `/start` with an optional deep-link payload (`t.me/<bot>?start=<payload>`: 1–64 of A-Z a-z 0-9 _ -). */
export const startPayloadSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const CONSENT_CALLBACK = { agree: 'consent:yes', decline: 'consent:no' } as const;
export const callbackSchema = z.object({
  id: z.string().min(1),
  from: userSchema,
  data: z.enum([CONSENT_CALLBACK.agree, CONSENT_CALLBACK.decline]),
  message: z.object({ message_id: int, chat: privateChat }).optional(),
});

export type BuyerUser = z.infer<typeof userSchema>;
export type TextMessage = z.infer<typeof textMessageSchema>;
export type ContactMessage = z.infer<typeof contactMessageSchema>;
export type OtherMessage = z.infer<typeof otherMessageSchema>;

/** The buyer's language: English when Telegram says so, Russian otherwise. */
export const localeOf = (user: BuyerUser): Locale =>
  user.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ru';

/** The command a text starts with (`/start@shop_bot payload` → `start`), lower-cased; undefined for plain text. */
export function commandOf(message: TextMessage): { name: string; payload: string } | undefined {
  const entity = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return undefined;
  const name = message.text.slice(1, entity.length).split('@')[0]!.toLowerCase();
  return { name, payload: message.text.slice(entity.length).trim() };
}

/** The kind of a non-text message, in the responder's words, and what of it is kept for the owner's card. */
export function describeOther(message: OtherMessage): {
  type: 'image' | 'voice' | 'file' | 'location' | 'other';
  content: Record<string, unknown>;
} {
  const has = (key: string) => key in message && message[key as keyof OtherMessage] !== undefined;
  const kind =
    ['photo', 'voice', 'audio', 'video_note', 'video', 'document', 'location', 'venue', 'sticker'].find(
      has,
    ) ?? 'other';
  const type =
    kind === 'photo'
      ? 'image'
      : kind === 'voice' || kind === 'audio' || kind === 'video_note'
        ? 'voice'
        : kind === 'video' || kind === 'document'
          ? 'file'
          : kind === 'location' || kind === 'venue'
            ? 'location'
            : 'other';
  return { type, content: { telegram: kind } };
}
