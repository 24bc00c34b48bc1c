import type { Models } from '../../models/mongo-schemas.js';
import { checkScope, idleAmong, lastActivity } from '../activity.js';
import type { ChatIdScope, RetentionRepository } from '../port.js';
import { checkDate, checkId, checkLimit } from '../validate.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A filter on a chat id for the scope (for native queries); anchored prefixes use the index. */
function scopeFilter(scope: ChatIdScope): Record<string, unknown> {
  const list = 'prefixes' in scope ? scope.prefixes : scope.exceptPrefixes;
  if (list.length === 0) return 'prefixes' in scope ? { $in: [] } : { $exists: true };
  const anyOf = new RegExp(`^(?:${list.map(escapeRegex).join('|')})`);
  return 'prefixes' in scope ? { $regex: anyOf } : { $not: anyOf };
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null);

const timesOf = (chat: ChatTimes | null | undefined) => ({
  lastInboundAt: ms(chat?.lastInboundAt),
  lastOutboundAt: ms(chat?.lastOutboundAt),
  updatedAt: ms(chat?.updatedAt),
});

interface ChatTimes {
  _id: string;
  lastInboundAt?: Date | null;
  lastOutboundAt?: Date | null;
  updatedAt?: Date | null;
}

/** Conversation retention on MongoDB (see {@link RetentionRepository}). */
export function mongoRetention(m: Models, now: () => Date): RetentionRepository {
  const chatProjection = { lastInboundAt: 1, lastOutboundAt: 1, updatedAt: 1 };

  return {
    async idleChats(scope, before, limit) {
      checkScope(scope);
      const cutoff = checkDate('before', before).getTime();
      const max = checkLimit(limit, 100);
      const filter = scopeFilter(scope);
      const [grouped, chats] = await Promise.all([
        m.Message.aggregate<{ _id: string; last: Date }>([
          { $match: { chatId: filter } },
          { $group: { _id: '$chatId', last: { $max: '$createdAt' } } },
        ]),
        // The native collection: mongoose would cast a `$not` regex on a string path into a string.
        m.Chat.collection
          .find<ChatTimes>({ _id: filter } as Record<string, unknown>, { projection: chatProjection })
          .toArray(),
      ]);
      const lastMessage = new Map(grouped.map((g) => [g._id, ms(g.last)]));
      return idleAmong(lastMessage, new Map(chats.map((c) => [String(c._id), timesOf(c)])), cutoff, max);
    },

    async purgeChat(chatId, before) {
      checkId('chat id', chatId);
      const cutoff = checkDate('before', before).getTime();
      const startedAt = now();
      const [grouped, chat] = await Promise.all([
        m.Message.aggregate<{ last: Date; seq: number }>([
          { $match: { chatId } },
          { $group: { _id: null, last: { $max: '$createdAt' }, seq: { $max: '$seq' } } },
        ]),
        m.Chat.findById(chatId).select(chatProjection).lean<ChatTimes>(),
      ]);
      const newest = grouped[0];
      const lastMessageAt = ms(newest?.last);
      const at = lastActivity({ lastMessageAt, ...timesOf(chat) });
      if (at === null || at >= cutoff) return null;
      // No transaction (a standalone server has none): each delete is bounded to what was read above, so a
      // message stored meanwhile has a higher arrival number and stays, and so does its chat (changed record).
      const seqLimit = { $lte: newest?.seq ?? -1 };
      const ids = (
        await m.Message.find({ chatId, seq: seqLimit }).select({ _id: 1 }).lean<{ _id: string }[]>()
      ).map((d) => d._id);
      const events =
        ids.length > 0 ? (await m.Event.deleteMany({ messageId: { $in: ids } })).deletedCount : 0;
      const messages = (await m.Message.deleteMany({ chatId, seq: seqLimit })).deletedCount;
      const drafts = (await m.Draft.deleteMany({ chatId, createdAt: { $lte: startedAt } })).deletedCount;
      const removed = chat
        ? (await m.Chat.deleteOne({ _id: chatId, updatedAt: chat.updatedAt ?? null })).deletedCount === 1
        : false;
      return { chatId, messages, events, drafts, chat: removed };
    },

    async purgeExpiredKv(at) {
      const res = await m.Kv.deleteMany({ expiresAt: { $ne: null, $lte: checkDate('now', at) } });
      return res.deletedCount;
    },
  };
}
