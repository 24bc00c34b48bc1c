import { SimulatorClock } from '../common/clock.js';
import type {
  AvitoClientCredentials,
  AvitoSimOptions,
  Buyer,
  ChatRecord,
  ChatType,
  Listing,
  ListingInput,
  MessageContent,
  MessageRecord,
  MessageType,
  SentByApi,
} from './types.js';

const DEFAULT_USER_ID = 3_098_765_432;
const FIRST_ITEM_ID = 4_341_979_279;
const FIRST_BUYER_ID = 2_750_000_001;
const CHAT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~';

/** "54 900 ₽", the way Avito renders `price_string` (null price → "Цена не указана"). */
export function priceString(price: number | null): string {
  if (price === null) return 'Цена не указана';
  return `${String(price).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ₽`;
}

/** Unix seconds → RFC 3339 without fractions, as the webhook's `published_at`. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Everything the simulated Avito account holds: listings, chats, messages, tokens, plus the clock and the id
 * generator. One instance per simulator; routes and actors share it.
 */
export class AvitoState extends SimulatorClock {
  readonly userId: number;
  readonly clients: AvitoClientCredentials[];
  readonly account: { name: string; email: string; phone: string };
  readonly tokenTtlSeconds: number;
  expiredTokenStatus: 401 | 403;
  tariff: boolean;
  messagesShape: 'array' | 'object';

  readonly listings = new Map<number, Listing>();
  readonly chats = new Map<string, ChatRecord>();
  readonly messages: MessageRecord[] = [];
  readonly sent: SentByApi[] = [];
  /** access_token → expiry (epoch ms on the simulator clock). */
  readonly tokens = new Map<string, number>();
  tokenIssues = 0;

  private nextItemId = FIRST_ITEM_ID;
  private nextBuyerId = FIRST_BUYER_ID;
  private seq = 0;
  private readonly buyersByName = new Map<string, Buyer>();

  constructor(opts: AvitoSimOptions) {
    super((opts.seed ?? 1) + 7919);
    this.userId = opts.userId ?? DEFAULT_USER_ID;
    this.clients = opts.clients ?? [{ clientId: 'sim-client', clientSecret: 'sim-secret' }];
    this.account = {
      name: opts.account?.name ?? 'Магазин «Тест»',
      email: opts.account?.email ?? 'seller@example.com',
      phone: opts.account?.phone ?? '79990001122',
    };
    this.tokenTtlSeconds = opts.tokenTtlSeconds ?? 86_400;
    this.expiredTokenStatus = opts.expiredTokenStatus ?? 403;
    this.tariff = opts.tariff ?? true;
    this.messagesShape = opts.messagesShape ?? 'array';
    for (const listing of opts.listings ?? []) this.addListing(listing);
  }

  issueToken(): { token: string; expiresIn: number } {
    const token = this.randomString(22, CHAT_ID_ALPHABET.replace('~', '_'));
    this.tokens.set(token, this.nowMs() + this.tokenTtlSeconds * 1000);
    this.tokenIssues += 1;
    return { token, expiresIn: this.tokenTtlSeconds };
  }

  /** `valid`, `expired` (known but past its expiry) or `unknown`. */
  checkToken(token: string): 'valid' | 'expired' | 'unknown' {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return 'unknown';
    return expiresAt > this.nowMs() ? 'valid' : 'expired';
  }

  expireTokens(): void {
    const past = this.nowMs() - 1;
    for (const token of this.tokens.keys()) this.tokens.set(token, past);
  }

  addListing(input: ListingInput): Listing {
    const id = input.id ?? this.nextItemId;
    this.nextItemId = Math.max(this.nextItemId, id + 1);
    // Real slugs are transliterated; ASCII words of the title are close enough for a simulator.
    const slug = input.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
    const listing: Listing = {
      id,
      title: input.title,
      price: input.price === undefined ? null : input.price,
      status: input.status ?? 'active',
      url: input.url ?? `https://www.avito.ru/moskva/tovary/${slug || 'tovar'}_${id}`,
      address: input.address ?? 'Москва, Лесная улица 7',
      category: input.category ?? { id: 9, name: 'Товары для компьютера' },
      images: input.images ?? [`https://00.img.avito.st/image/1/140x105/${id}.jpg`],
      startTime: input.startTime ?? rfc3339(this.now() - 7 * 86_400),
      finishTime: input.finishTime === undefined ? rfc3339(this.now() + 23 * 86_400) : input.finishTime,
    };
    this.listings.set(id, listing);
    return listing;
  }

  /** The same buyer name maps to the same id, so repeated `buyerWrites` reuse one chat. */
  resolveBuyer(input: { id?: number; name: string }): Buyer {
    if (input.id !== undefined) return { id: input.id, name: input.name };
    let buyer = this.buyersByName.get(input.name);
    if (!buyer) {
      buyer = { id: this.nextBuyerId, name: input.name };
      this.nextBuyerId += 1;
      this.buyersByName.set(input.name, buyer);
    }
    return buyer;
  }

  /** The chat of this buyer about this listing, created on first contact. */
  chatFor(type: ChatType, itemId: number | null, buyer: Buyer): ChatRecord {
    for (const chat of this.chats.values()) {
      if (chat.type === type && chat.itemId === itemId && chat.buyer.id === buyer.id) return chat;
    }
    const now = this.now();
    const chat: ChatRecord = {
      id: `${type}-${this.randomString(22, CHAT_ID_ALPHABET)}`,
      type,
      itemId,
      buyer,
      created: now,
      updated: now,
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  addMessage(
    chat: ChatRecord,
    authorId: number,
    type: MessageType,
    content: MessageContent,
    origin: MessageRecord['origin'],
  ): MessageRecord {
    const created = this.now();
    const message: MessageRecord = {
      id: this.randomString(32),
      chatId: chat.id,
      authorId,
      created,
      type,
      content,
      read: null,
      origin,
      seq: this.seq++,
    };
    this.messages.push(message);
    chat.updated = created;
    return message;
  }

  /** Oldest first. */
  messagesOf(chatId: string): MessageRecord[] {
    return this.messages
      .filter((m) => m.chatId === chatId)
      .sort((a, b) => a.created - b.created || a.seq - b.seq);
  }

  isOut(message: MessageRecord): boolean {
    return message.authorId === this.userId;
  }

  /** A chat is unread while it holds an inbound message we have not marked read. */
  isUnread(chatId: string): boolean {
    return this.messages.some((m) => m.chatId === chatId && !this.isOut(m) && m.read === null);
  }
}
