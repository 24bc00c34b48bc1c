/** Shared by both adapters' retention: what counts as a conversation's last activity, and chat id scopes. */
import type { ChatIdScope } from './port.js';
import { checkId, StoreValidationError } from './validate.js';

/** The times a chat's last activity is read from (epoch ms; null when absent). */
export interface ActivityTimes {
  /** The chat's newest stored message. */
  lastMessageAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  /** The chat record's last change, used only when the chat has no message time at all. */
  updatedAt: number | null;
}

/**
 * A chat's last activity (epoch ms): its newest message time, or, without any, the record's last change (a chat
 * opened by a greeting and never written in). An owner's later change to the record (mode, take-over) does not
 * keep a conversation whose last message is old. Null when nothing is known.
 */
export function lastActivity(t: ActivityTimes): number | null {
  const times = [t.lastMessageAt, t.lastInboundAt, t.lastOutboundAt].filter((v): v is number => v !== null);
  return times.length > 0 ? Math.max(...times) : t.updatedAt;
}

/** Validates a scope's prefixes (printable ids, like the chat ids they start). */
export function checkScope(scope: ChatIdScope): ChatIdScope {
  const list = 'prefixes' in scope ? scope.prefixes : scope.exceptPrefixes;
  if (!Array.isArray(list)) throw new StoreValidationError('chat scope', 'expected a list of id prefixes');
  for (const prefix of list) checkId('chat id prefix', prefix);
  return scope;
}

/** The least string above every string that starts with `prefix` (for index range scans). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Of the chats whose times are known, those idle since before `cutoff` (epoch ms), longest idle first. */
export function idleAmong(
  lastMessageAt: ReadonlyMap<string, number | null>,
  chats: ReadonlyMap<string, Omit<ActivityTimes, 'lastMessageAt'>>,
  cutoff: number,
  limit: number,
): string[] {
  const idle: Array<{ id: string; at: number }> = [];
  for (const id of new Set([...lastMessageAt.keys(), ...chats.keys()])) {
    const chat = chats.get(id);
    const at = lastActivity({
      lastMessageAt: lastMessageAt.get(id) ?? null,
      lastInboundAt: chat?.lastInboundAt ?? null,
      lastOutboundAt: chat?.lastOutboundAt ?? null,
      updatedAt: chat?.updatedAt ?? null,
    });
    if (at !== null && at < cutoff) idle.push({ id, at });
  }
  idle.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return idle.slice(0, limit).map((c) => c.id);
}
