import { randomUUID } from 'node:crypto';
import { splitText } from '../lib/split-text.js';
import type { Logger } from '../logger.js';
import type { Message } from '../models/records.js';
import type { Channel, ChannelCapabilities, OutgoingMessage, SendOutcome } from '../responder/channel.js';
import type { Store } from '../store/port.js';
import type { ServerFrame, WireMessage } from './protocol.js';

/** What a live socket must offer (the `ws` socket, or a test double). */
export interface LiveSocket {
  send(frame: ServerFrame): void;
  /** Ends the connection (too many tabs of one visitor). */
  close(): void;
}

/** Tabs of one visitor kept live at once; the oldest goes when another opens. */
export const MAX_TABS_PER_CHAT = 8;

export const WEB_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: 4000,
  attachments: false,
  typing: true,
  echoesOwnMessages: false,
  sellerWritesOutside: false,
};

/** How many stored messages the widget gets at most on opening (history) or resuming. */
export const HISTORY_LIMIT = 200;
/** How long a sent message is kept in memory for a visitor who reconnects before the responder stored it. */
const UNSTORED_GRACE_MS = 5 * 60_000;
/** A typing indicator nobody cleared goes out by itself (a draft left for review may wait for hours). */
const TYPING_MAX_MS = 60_000;

export interface LiveDeps {
  store: Store;
  logger: Logger;
  now: () => Date;
}

/**
 * The web channel's conversations as they are live: which sockets show which chat, what we pushed to them,
 * and the history read back from the store. Implements the responder's {@link Channel}.
 */
export class LiveConversations {
  private readonly sockets = new Map<string, Set<LiveSocket>>();
  /** Messages we sent, until the responder has surely stored them (see {@link history}). */
  private readonly recentSends = new Map<string, Array<WireMessage & { sentAt: number }>>();
  private readonly typingUntil = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly deps: LiveDeps) {}

  /** The responder's port to this channel. */
  readonly channel: Channel = {
    id: 'web',
    capabilities: WEB_CAPABILITIES,
    send: (chatId, text) => this.send(chatId, text),
    markRead: async () => {},
    recentOutgoing: (chatId, limit) => this.recentOutgoing(chatId, limit),
    typing: async (chatId, on) => this.typing(chatId, on),
  };

  /** Shows `chatId` on `socket` from now on; returns the function that stops it. */
  join(chatId: string, socket: LiveSocket): () => void {
    let set = this.sockets.get(chatId);
    if (!set) this.sockets.set(chatId, (set = new Set()));
    set.add(socket);
    if (set.size > MAX_TABS_PER_CHAT) {
      const oldest = set.values().next().value;
      if (oldest) {
        set.delete(oldest);
        oldest.close();
      }
    }
    return () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(chatId) === set) this.sockets.delete(chatId);
    };
  }

  /** Sends `frame` to every socket showing the chat, except `except` (the tab that wrote). */
  broadcast(chatId: string, frame: ServerFrame, except?: LiveSocket): void {
    for (const socket of this.sockets.get(chatId) ?? []) {
      if (socket !== except) socket.send(frame);
    }
  }

  /** Whether a typing indicator is on for the chat (a tab that connects now shows it too). */
  isTyping(chatId: string): boolean {
    const until = this.typingUntil.get(chatId);
    return until !== undefined && until > this.deps.now().getTime();
  }

  /**
   * The conversation as the widget shows it, oldest first: all of it (up to {@link HISTORY_LIMIT}), or only
   * what arrived after `lastSeenId` when that is one of this chat's stored messages. Messages we sent that
   * the responder has not stored yet are added, so a visitor who reconnects in between misses nothing.
   */
  async history(chatId: string, lastSeenId?: string): Promise<WireMessage[]> {
    const [recent, seen] = await Promise.all([
      this.deps.store.messages.lastN(chatId, HISTORY_LIMIT),
      lastSeenId ? this.deps.store.messages.get(lastSeenId) : null,
    ]);
    const after = seen && seen.chatId === chatId ? recent.filter((m) => m.seq > seen.seq) : recent;
    const stored = new Set(recent.map((m) => m.id));
    const messages = after.flatMap((m) => {
      const wire = toWire(m);
      return wire ? [wire] : [];
    });
    for (const sent of this.pruneRecentSends(chatId)) {
      if (!stored.has(sent.id)) messages.push(wireOf(sent));
    }
    return messages;
  }

  private async send(chatId: string, text: string): Promise<SendOutcome> {
    if (!chatId.startsWith('web:')) {
      return {
        kind: 'failed',
        error: { transient: false, kind: 'not_found', message: `${chatId} is not a web chat` },
      };
    }
    const at = this.deps.now();
    const messageIds: string[] = [];
    for (const part of splitText(text, WEB_CAPABILITIES.maxTextLength)) {
      const message: WireMessage = {
        id: `web:${randomUUID()}`,
        from: 'seller',
        text: part,
        at: at.toISOString(),
      };
      messageIds.push(message.id);
      this.rememberSend(chatId, message);
      this.broadcast(chatId, { t: 'msg', message });
    }
    this.typingUntil.delete(chatId);
    // Sent even with nobody online: the widget reads it from the store on the visitor's next visit.
    return { kind: 'sent', messageIds };
  }

  private typing(chatId: string, on: boolean): void {
    this.sweep();
    if (on) this.typingUntil.set(chatId, this.deps.now().getTime() + TYPING_MAX_MS);
    else this.typingUntil.delete(chatId);
    this.broadcast(chatId, { t: 'typing', on });
  }

  private async recentOutgoing(chatId: string, limit: number): Promise<OutgoingMessage[]> {
    const stored = (await this.deps.store.messages.lastN(chatId, HISTORY_LIMIT)).filter(
      (m) => m.direction === 'out',
    );
    const ids = new Set(stored.map((m) => m.id));
    const all: OutgoingMessage[] = [
      ...stored.map((m) => ({ id: m.id, text: m.text, at: m.createdAt })),
      ...this.pruneRecentSends(chatId)
        .filter((m) => !ids.has(m.id))
        .map((m) => ({ id: m.id, text: m.text, at: new Date(m.at) })),
    ];
    return all.slice(-limit);
  }

  private rememberSend(chatId: string, message: WireMessage): void {
    this.sweep();
    const list = this.pruneRecentSends(chatId);
    list.push({ ...message, sentAt: this.deps.now().getTime() });
    this.recentSends.set(chatId, list);
  }

  /** Forgets what has expired in chats nobody looks at any more (memory stays bounded by recent activity). */
  private sweep(): void {
    const now = this.deps.now().getTime();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const chatId of this.recentSends.keys()) this.pruneRecentSends(chatId);
    for (const [chatId, until] of this.typingUntil) if (until <= now) this.typingUntil.delete(chatId);
  }

  private pruneRecentSends(chatId: string): Array<WireMessage & { sentAt: number }> {
    const cutoff = this.deps.now().getTime() - UNSTORED_GRACE_MS;
    const list = (this.recentSends.get(chatId) ?? []).filter((m) => m.sentAt > cutoff);
    if (list.length === 0) this.recentSends.delete(chatId);
    else this.recentSends.set(chatId, list);
    return list;
  }
}

/** A stored message as the widget shows it; none for messages without text (the widget shows text only). */
export function toWire(m: Message): WireMessage | undefined {
  if (m.text === null || m.author === 'system') return undefined;
  return {
    id: m.id,
    from: m.direction === 'in' ? 'visitor' : 'seller',
    text: m.text,
    at: m.createdAt.toISOString(),
  };
}

function wireOf(m: WireMessage): WireMessage {
  return { id: m.id, from: m.from, text: m.text, at: m.at };
}
