import { type AvitoState, priceString } from './state.js';
import type {
  ChatType,
  Listing,
  ListingInput,
  MessageContent,
  MessageRecord,
  MessageType,
  WebhookDelivery,
} from './types.js';
import type { WebhookDispatcher } from './webhooks.js';

/** Input of `buyerWrites`. */
export interface BuyerWritesInput {
  /** The listing the buyer writes about (a `u2i` chat). Omit with `chatType: 'u2u'`. */
  itemId?: number;
  /** Same name (or id) → same buyer → same chat for the same listing. */
  buyer: { id?: number; name: string };
  /** Text of a text message, or the caption-like text of other types. */
  text?: string;
  /** Default `text`; webhook-only types (`file`, `appCall`, `video`) get `{}` content. */
  type?: MessageType;
  /** Replaces the default content built for `type`. */
  content?: MessageContent;
  /** Default `u2i` with an item, `u2u` without. */
  chatType?: ChatType;
  /** Author of the message; defaults to the buyer, and to 0 for `system` (real author id unknown [U]). */
  authorId?: number;
  /** `flow_id` of a system message; default `auto_answer`. */
  flowId?: string;
}

/** What `buyerWrites` did. */
export interface BuyerWritesResult {
  chatId: string;
  messageId: string;
  message: MessageRecord;
  /** The delivery to the first subscribed URL (undefined without subscriptions). */
  delivery: WebhookDelivery | undefined;
  /** One per subscribed URL (two with `duplicateNext`). */
  deliveries: WebhookDelivery[];
}

/** What `sellerWritesFromApp` did. */
export interface SellerWritesResult {
  messageId: string;
  message: MessageRecord;
  deliveries: WebhookDelivery[];
}

/** The humans around the account: the seller's listings, buyers writing, the seller typing in the Avito app. */
export interface AvitoActors {
  /** Adds a listing (visible in items, chat context, item info). */
  seedListing(input: ListingInput): Listing;
  /** A buyer writes: creates or reuses the chat, stores the message (direction "in"), POSTs the webhook. */
  buyerWrites(input: BuyerWritesInput): Promise<BuyerWritesResult>;
  /** The seller answers from the Avito app (not through our API); Avito echoes it with author_id == user_id. */
  sellerWritesFromApp(chatId: string, text: string): Promise<SellerWritesResult>;
  /** The buyer opens the chat: our outgoing messages become read. */
  buyerReads(chatId: string): void;
}

function defaultContent(
  type: MessageType,
  text: string,
  listing: Listing | undefined,
  state: AvitoState,
  flowId: string,
): MessageContent {
  switch (type) {
    case 'text':
      return { text };
    case 'image':
      return {
        image: {
          sizes: {
            '140x105': 'https://00.img.avito.st/image/1/140x105/buyer.jpg',
            '640x480': 'https://00.img.avito.st/image/1/640x480/buyer.jpg',
          },
        },
      };
    case 'voice':
      return { voice: { voice_id: state.randomString(24) } };
    case 'location':
      return {
        location: { kind: 'street', lat: 55.7558, lon: 37.6173, text: text || 'Москва', title: 'Москва' },
      };
    case 'link':
      return {
        link: {
          text: text || 'https://example.com',
          url: 'https://example.com',
          preview: { domain: 'example.com', title: 'Example', url: 'https://example.com' },
        },
      };
    case 'item':
      return {
        item: {
          title: listing?.title ?? 'Объявление',
          price_string: listing ? priceString(listing.price) : null,
          item_url: listing?.url ?? 'https://www.avito.ru/',
          image_url: listing?.images[0] ?? 'https://00.img.avito.st/image/1/140x105/item.jpg',
        },
      };
    case 'call':
      return { call: { status: 'missed', target_user_id: state.userId } };
    case 'system':
      return { text: text || 'Автоответ продавца', flow_id: flowId };
    case 'deleted':
    case 'appCall':
    case 'file':
    case 'video':
      return {};
  }
}

/** Builds the actors over the shared state and webhook dispatcher. */
export function createActors(state: AvitoState, webhooks: WebhookDispatcher): AvitoActors {
  return {
    seedListing: (input) => state.addListing(input),

    async buyerWrites(input) {
      const listing = input.itemId === undefined ? undefined : state.listings.get(input.itemId);
      if (input.itemId !== undefined && !listing) {
        throw new Error(`No listing ${input.itemId}: call seedListing first`);
      }
      const chatType = input.chatType ?? (listing ? 'u2i' : 'u2u');
      const buyer = state.resolveBuyer(input.buyer);
      const chat = state.chatFor(chatType, listing?.id ?? null, buyer);
      const type = input.type ?? 'text';
      const content =
        input.content ??
        defaultContent(type, input.text ?? '', listing, state, input.flowId ?? 'auto_answer');
      const authorId = input.authorId ?? (type === 'system' ? 0 : buyer.id);
      const message = state.addMessage(chat, authorId, type, content, type === 'system' ? 'system' : 'buyer');
      const deliveries = await webhooks.emit(message, chat);
      return { chatId: chat.id, messageId: message.id, message, delivery: deliveries[0], deliveries };
    },

    async sellerWritesFromApp(chatId, text) {
      const chat = state.chats.get(chatId);
      if (!chat) throw new Error(`No chat ${chatId}: a buyer must write first`);
      const message = state.addMessage(chat, state.userId, 'text', { text }, 'app');
      const deliveries = await webhooks.emit(message, chat);
      return { messageId: message.id, message, deliveries };
    },

    buyerReads(chatId) {
      const now = state.now();
      for (const m of state.messages) {
        if (m.chatId === chatId && state.isOut(m) && m.read === null) m.read = now;
      }
    },
  };
}
