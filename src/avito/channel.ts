/**
 * Avito Messenger as a responder channel (the outbound half of the Avito adapter): sends with their outcomes,
 * mark-read, and our recent messages for settling a send whose outcome was unknown.
 */
import { describeError } from '../errors.js';
import type {
  Channel,
  ChannelCapabilities,
  ChannelError,
  OutgoingMessage,
  SendOutcome,
} from '../responder/channel.js';
import type { AvitoClient } from './client.js';
import { AvitoApiError, AvitoSendError } from './errors.js';

/** Avito Messenger's limit for one text message. */
export const AVITO_TEXT_LIMIT = 1000;

export const AVITO_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: AVITO_TEXT_LIMIT,
  attachments: false,
  typing: false,
  // Avito delivers our own sends to the webhook too, and the seller also answers from the Avito app.
  echoesOwnMessages: true,
  sellerWritesOutside: true,
};

/** Avito error kinds worth another attempt later ('auth': a token that is being refreshed). */
const TRANSIENT_KINDS: readonly string[] = ['rate_limited', 'server', 'network', 'timeout', 'auth'];

/** A failed Avito call in the channel's terms; an error that is not Avito's own (a bug, a lost store) is transient. */
export function channelError(cause: unknown, message = describeError(cause)): ChannelError {
  const kind = cause instanceof AvitoApiError ? cause.kind : undefined;
  return { transient: kind === undefined || TRANSIENT_KINDS.includes(kind), kind: kind ?? 'other', message };
}

/** The outcome of `sendText`, from its result or from the error it threw. */
export function sendOutcomeOf(err: unknown): SendOutcome {
  if (!(err instanceof AvitoSendError)) return { kind: 'failed', error: channelError(err) };
  if (err.outcome === 'unknown')
    return { kind: 'unknown', messageIds: err.sentIds, error: channelError(err.cause, describeError(err)) };
  if (err.sentIds.length > 0)
    return {
      kind: 'partial',
      messageIds: err.sentIds,
      totalParts: err.totalParts,
      error: channelError(err.cause),
    };
  return { kind: 'failed', error: channelError(err.cause) };
}

/** Avito Messenger through our client (which splits, retries what provably did not deliver, and never repeats a send). */
export function createAvitoChannel(
  client: Pick<AvitoClient, 'sendText' | 'markRead' | 'listMessages'>,
): Channel {
  return {
    id: 'avito',
    capabilities: AVITO_CAPABILITIES,
    async send(chatId, text) {
      try {
        const result = await client.sendText(chatId, text);
        return { kind: 'sent', messageIds: result.messages.map((m) => m.id) };
      } catch (err) {
        return sendOutcomeOf(err);
      }
    },
    markRead: (chatId) => client.markRead(chatId),
    async recentOutgoing(chatId, limit) {
      // Avito lists newest first; ours are the messages of our side of the chat.
      const messages = await client.listMessages(chatId, { limit });
      return messages
        .filter((m) => m.direction === 'out')
        .map((m): OutgoingMessage => ({
          id: m.id,
          text: typeof m.content.text === 'string' ? m.content.text : null,
          at: new Date(m.created * 1000),
        }))
        .reverse();
    },
  };
}
