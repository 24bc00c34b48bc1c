/** The `drafts` table: compare-and-set state changes in one UPDATE each. */
import type { SQLInputValue } from 'node:sqlite';
import type { DraftStatus } from '../../models/records.js';
import type { DraftPatch, DraftRepository } from '../port.js';
import { checkDraftStatus, newDraft } from '../records.js';
import { checkId, checkLimit } from '../validate.js';
import { placeholders, type SqliteDatabase, toJson, toMs } from './database.js';
import { draftFromRow } from './rows.js';

/** Draft fields a patch may set, with their column and encoding. */
const DRAFT_PATCH_COLUMNS: {
  [K in keyof Required<DraftPatch>]: [string, (v: DraftPatch[K]) => SQLInputValue];
} = {
  kind: ['kind', (v) => v ?? null],
  text: ['text', (v) => v ?? null],
  originalText: ['original_text', (v) => v ?? null],
  sources: ['sources', (v) => toJson(v ?? [])],
  grounded: ['grounded', (v) => (v ? 1 : 0)],
  findings: ['findings', (v) => toJson(v ?? [])],
  strategy: ['strategy', (v) => v ?? null],
  provider: ['provider', (v) => v ?? null],
  model: ['model', (v) => v ?? null],
  coversMessageIds: ['covers', (v) => toJson(v ?? [])],
  card: ['card', (v) => toJson(v)],
  approvedBy: ['approved_by', (v) => v ?? null],
  sentMessageIds: ['sent_message_ids', (v) => toJson(v ?? [])],
  attempts: ['attempts', (v) => v ?? 0],
  error: ['error', (v) => v ?? null],
};

function patchAssignments(patch: DraftPatch): { sql: string[]; values: SQLInputValue[] } {
  const sql: string[] = [];
  const values: SQLInputValue[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const column = DRAFT_PATCH_COLUMNS[key as keyof DraftPatch] as
      [string, (v: unknown) => SQLInputValue] | undefined;
    if (!column) continue;
    sql.push(`${column[0]} = ?`);
    values.push(column[1](value));
  }
  return { sql, values };
}

export function drafts(db: SqliteDatabase, now: () => Date): DraftRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM drafts WHERE id = ?', checkId('draft id', id));
    return row ? draftFromRow(row) : null;
  };
  const statusList = (statuses: readonly DraftStatus[]) => statuses.map(checkDraftStatus);
  return {
    create(input) {
      return db.groupWrite(
        () => {
          const d = newDraft(input, now());
          db.run(
            `INSERT INTO drafts (id, chat_id, kind, status, text, original_text, sources, grounded, findings, strategy,
            provider, model, covers, card, approved_by, sent_message_ids, attempts, error, created_at, updated_at)
           VALUES (${placeholders(20)})`,
            d.id,
            d.chatId,
            d.kind,
            d.status,
            d.text,
            d.originalText,
            toJson(d.sources),
            d.grounded ? 1 : 0,
            toJson(d.findings),
            d.strategy,
            d.provider,
            d.model,
            toJson(d.coversMessageIds),
            toJson(d.card),
            d.approvedBy,
            toJson(d.sentMessageIds),
            d.attempts,
            d.error,
            toMs(d.createdAt),
            toMs(d.updatedAt),
          );
          return d;
        },
        { oneStatement: true },
      );
    },
    async get(id) {
      return get(id);
    },
    transition(id, from, to, patch = {}) {
      return db.groupWrite(
        () => {
          checkId('draft id', id);
          const fromStates = statusList(from);
          if (fromStates.length === 0) return null;
          const { sql, values } = patchAssignments(patch);
          // One UPDATE with the status condition: atomic across callers and processes.
          const row = db.get(
            `UPDATE drafts SET ${['status = ?', 'updated_at = ?', ...sql].join(', ')}
           WHERE id = ? AND status IN (${placeholders(fromStates.length)}) RETURNING *`,
            checkDraftStatus(to),
            now().getTime(),
            ...values,
            id,
            ...fromStates,
          );
          return row ? draftFromRow(row) : null;
        },
        { oneStatement: true },
      );
    },
    update(id, patch) {
      return db.groupWrite(
        () => {
          checkId('draft id', id);
          const { sql, values } = patchAssignments(patch);
          const row = db.get(
            `UPDATE drafts SET ${['updated_at = ?', ...sql].join(', ')} WHERE id = ? RETURNING *`,
            now().getTime(),
            ...values,
            id,
          );
          return row ? draftFromRow(row) : null;
        },
        { oneStatement: true },
      );
    },
    async listByStatus(statuses, limit) {
      const s = statusList(statuses);
      if (s.length === 0) return [];
      return db
        .all(
          `SELECT * FROM drafts WHERE status IN (${placeholders(s.length)}) ORDER BY created_at LIMIT +?`,
          ...s,
          checkLimit(limit, 100),
        )
        .map(draftFromRow);
    },
    async listForChat(chatId, statuses) {
      checkId('chat id', chatId);
      if (!statuses) {
        return db
          .all('SELECT * FROM drafts WHERE chat_id = +? ORDER BY created_at DESC, rowid DESC', chatId)
          .map(draftFromRow);
      }
      const s = statusList(statuses);
      if (s.length === 0) return [];
      return db
        .all(
          `SELECT * FROM drafts WHERE chat_id = +? AND status IN (${placeholders(s.length)})
           ORDER BY created_at DESC, rowid DESC`,
          chatId,
          ...s,
        )
        .map(draftFromRow);
    },
  };
}
