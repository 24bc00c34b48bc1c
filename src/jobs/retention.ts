/**
 * Conversation retention: website and Telegram buyer conversations are deleted `CONTEXT_TTL_DAYS` after their
 * last message; Avito conversations after `RETENTION_DAYS`, when it is set (kept otherwise). Leads, the audit
 * log and settings are not touched: a lead keeps the brief and the contact the buyer agreed to leave.
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { chatIdOf } from '../responder/channel.js';
import type { ChatIdScope, Store } from '../store/port.js';
import { defineJob, jobKind, scheduleEvery } from './job.js';

export const RETENTION_JOB = jobKind('purge-idle-conversations', z.unknown());

const DAY_MS = 24 * 3600_000;
/** How often the job looks: a conversation goes at most this long after its time is up. */
const EVERY_MS = 3600_000;
/** Chats read per store call. */
const BATCH = 100;
/** Chats purged per run at most, so one run stays short; the rest go in the next runs. */
const MAX_PER_RUN = 1000;

/** The chat id prefixes of the channels whose conversations are buyer context (`tg:`, `web:`). */
const CONTEXT_PREFIXES = [chatIdOf('telegram', ''), chatIdOf('web', '')];

/** One retention period for the conversations in `scope`. */
export interface RetentionRule {
  /** For logs: `context` (web and Telegram) or `avito`. */
  name: string;
  scope: ChatIdScope;
  days: number;
}

/** The rules the configuration asks for. */
export function retentionRules(
  config: Pick<Config, 'contextTtlDays' | 'avitoRetentionDays'>,
): RetentionRule[] {
  const rules: RetentionRule[] = [
    { name: 'context', scope: { prefixes: CONTEXT_PREFIXES }, days: config.contextTtlDays },
  ];
  if (config.avitoRetentionDays !== undefined)
    rules.push({
      name: 'avito',
      scope: { exceptPrefixes: CONTEXT_PREFIXES },
      days: config.avitoRetentionDays,
    });
  return rules;
}

export interface RetentionDeps {
  store: Store;
  logger: Logger;
  rules: readonly RetentionRule[];
  /**
   * What channel adapters keep about a conversation outside its records (the Telegram buyer bot's profile with
   * the consent and contact step): called for each purged chat. A failure is logged; the purge stands.
   */
  forget?: ReadonlyArray<(chatId: string) => Promise<void>>;
  now?: () => Date;
}

/**
 * Purges every conversation idle past its rule's period (up to {@link MAX_PER_RUN}) and the kv entries whose
 * time ran out (what channels keep with a time to live, such as a buyer's contact step); returns how many
 * conversations went.
 */
export async function purgeIdleConversations(deps: RetentionDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const expired = await deps.store.retention.purgeExpiredKv(now);
  if (expired > 0) deps.logger.info({ expired }, 'expired kv entries purged');
  let purged = 0;
  for (const rule of deps.rules) {
    const before = new Date(now.getTime() - rule.days * DAY_MS);
    const seen = new Set<string>();
    while (purged < MAX_PER_RUN) {
      const ids = (await deps.store.retention.idleChats(rule.scope, before, BATCH)).filter(
        (id) => !seen.has(id),
      );
      if (ids.length === 0) break;
      for (const chatId of ids) {
        seen.add(chatId);
        const result = await deps.store.retention.purgeChat(chatId, before);
        if (!result) continue;
        purged += 1;
        deps.logger.info({ rule: rule.name, ...result }, 'idle conversation purged');
        for (const forget of deps.forget ?? [])
          await forget(chatId).catch((err: unknown) =>
            deps.logger.warn(
              { err, chatId },
              'could not forget what a channel kept about a purged conversation',
            ),
          );
        if (purged >= MAX_PER_RUN) break;
      }
    }
  }
  return purged;
}

/** Defines the job; {@link scheduleRetention} makes it run every hour. */
export function defineRetentionJob(agenda: Agenda, deps: RetentionDeps): void {
  defineJob(agenda, RETENTION_JOB, async () => {
    const purged = await purgeIdleConversations(deps);
    if (purged > 0) deps.logger.info({ job: RETENTION_JOB.name, purged }, 'idle conversations purged');
  });
}

/** Schedules the job (idempotent: one recurring job whatever the number of starts or processes). */
export const scheduleRetention = (agenda: Agenda) => scheduleEvery(agenda, RETENTION_JOB, EVERY_MS);
