import type { SQLInputValue } from 'node:sqlite';
import type { Chat, DraftStatus, Settings } from '../../models/records.js';
import type {
  AuditRepository,
  ChatRepository,
  DocumentFilter,
  DocumentRepository,
  DraftPatch,
  DraftRepository,
  EventRepository,
  KvRepository,
  LeaseRepository,
  ListingRepository,
  MessageRepository,
  ProtectedField,
  SettingsRepository,
  Store,
  StoreMaintenance,
} from '../port.js';
import {
  checkDraftStatus,
  mergeChat,
  newAuditEntry,
  newChat,
  newDocument,
  newDraft,
  newEvent,
  newMessage,
} from '../records.js';
import {
  checkDate,
  checkDuration,
  checkId,
  checkKey,
  checkLimit,
  StoreValidationError,
} from '../validate.js';
import { fromJson, SqliteDatabase, SqlParts, toJson, toMs } from './database.js';
import {
  auditFromRow,
  chatFromRow,
  documentFromRow,
  draftFromRow,
  eventFromRow,
  listingFromRow,
  messageFromRow,
} from './rows.js';
import { sqliteRetention } from './retention.js';
import { sequences } from './sequences.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function chatValues(c: Chat): SQLInputValue[] {
  return [
    c.id,
    c.itemId,
    c.buyerId,
    c.buyerName,
    toJson(c.listing),
    c.state,
    toMs(c.humanUntil),
    c.mode,
    toMs(c.lastInboundAt),
    toMs(c.lastOutboundAt),
    toMs(c.createdAt),
    toMs(c.updatedAt),
  ];
}

function chats(db: SqliteDatabase, now: () => Date): ChatRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM chats WHERE id = ?', checkId('chat id', id));
    return row ? chatFromRow(row) : null;
  };
  return {
    upsert(input) {
      // Read-merge-write inside the group's write transaction, so another process cannot interleave.
      return db.groupWrite(() => {
        const existing = get(input.id);
        const chat = existing ? mergeChat(existing, input, now()) : newChat(input, now());
        db.run(
          `INSERT OR REPLACE INTO chats (id, item_id, buyer_id, buyer_name, listing, state, human_until, mode,
            last_inbound_at, last_outbound_at, created_at, updated_at) VALUES (${placeholders(12)})`,
          ...chatValues(chat),
        );
        return chat;
      });
    },
    async get(id) {
      return get(id);
    },
    async listByState(state, limit) {
      return db
        .all(
          'SELECT * FROM chats WHERE state = ? ORDER BY updated_at DESC LIMIT ?',
          state,
          checkLimit(limit, 100),
        )
        .map(chatFromRow);
    },
    async listPauseExpired(at) {
      return db
        .all(
          "SELECT * FROM chats WHERE state = 'human' AND human_until IS NOT NULL AND human_until <= ? ORDER BY human_until",
          checkDate('now', at).getTime(),
        )
        .map(chatFromRow);
    },
  };
}

function messages(db: SqliteDatabase): MessageRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM messages WHERE id = ?', checkId('message id', id));
    return row ? messageFromRow(row) : null;
  };
  return {
    insertOnce(input) {
      return db.groupWrite(() => {
        // Inside the write transaction: no other connection can take the same number.
        const top = db.get('SELECT coalesce(max(seq), 0) AS seq FROM messages');
        const m = newMessage(input, Number(top?.seq ?? 0) + 1);
        const changed = db.run(
          `INSERT INTO messages (id, chat_id, direction, author, type, text, content, draft_id, created_at, seq)
           VALUES (${placeholders(10)}) ON CONFLICT (id) DO NOTHING`,
          m.id,
          m.chatId,
          m.direction,
          m.author,
          m.type,
          m.text,
          toJson(m.content),
          m.draftId,
          m.createdAt.getTime(),
          m.seq,
        );
        return changed === 1 ? { inserted: true, record: m } : { inserted: false, existing: get(m.id)! };
      });
    },
    async get(id) {
      return get(id);
    },
    async lastN(chatId, limit) {
      // Newest N by arrival; then returned oldest first.
      const rows = db.all(
        'SELECT * FROM messages WHERE chat_id = ? ORDER BY seq DESC LIMIT ?',
        checkId('chat id', chatId),
        checkLimit(limit, 20),
      );
      return rows.reverse().map(messageFromRow);
    },
  };
}

function events(db: SqliteDatabase, now: () => Date): EventRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM events WHERE id = ?', checkId('event id', id));
    return row ? eventFromRow(row) : null;
  };
  return {
    async insertOnce(input) {
      const record = newEvent(input, now());
      const { id, messageId } = record;
      const payload = JSON.stringify(record.payload);
      // Webhook deliveries arrive in bursts: they share commits (see SqliteDatabase.groupWrite).
      return db.groupWrite(
        () => {
          const changed = db.run(
            `INSERT INTO events (id, message_id, payload, status, attempts, received_at)
             VALUES (?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
            id,
            messageId,
            payload,
            record.receivedAt.getTime(),
          );
          // What was just written, without reading it back (every delivery goes through here).
          if (changed === 1) return { inserted: true as const, record };
          const existing = db.get(
            'SELECT * FROM events WHERE id = ? OR message_id = ? LIMIT 1',
            id,
            messageId,
          );
          return { inserted: false as const, existing: eventFromRow(existing!) };
        },
        { oneStatement: true },
      );
    },
    async get(id) {
      return get(id);
    },
    setStatus(id, status, error = null) {
      return db.groupWrite(() => {
        const processedAt = status === 'pending' ? null : now().getTime();
        const row = db.get(
          'UPDATE events SET status = ?, error = ?, processed_at = ? WHERE id = ? RETURNING *',
          status,
          error,
          processedAt,
          checkId('event id', id),
        );
        return row ? eventFromRow(row) : null;
      });
    },
    markAttempt(id) {
      return db.groupWrite(() => {
        const row = db.get(
          'UPDATE events SET attempts = attempts + 1 WHERE id = ? RETURNING *',
          checkId('event id', id),
        );
        return row ? eventFromRow(row) : null;
      });
    },
    async listByStatus(status, limit) {
      return db
        .all(
          'SELECT * FROM events WHERE status = ? ORDER BY received_at LIMIT ?',
          status,
          checkLimit(limit, 100),
        )
        .map(eventFromRow);
    },
    deleteProcessedBefore(before) {
      return db.groupWrite(() => {
        return db.run(
          "DELETE FROM events WHERE status IN ('processed', 'ignored') AND received_at < ?",
          checkDate('before', before).getTime(),
        );
      });
    },
  };
}

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

function drafts(db: SqliteDatabase, now: () => Date): DraftRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM drafts WHERE id = ?', checkId('draft id', id));
    return row ? draftFromRow(row) : null;
  };
  const statusList = (statuses: readonly DraftStatus[]) => statuses.map(checkDraftStatus);
  return {
    create(input) {
      return db.groupWrite(() => {
        const d = newDraft(input, now());
        db.run(
          `INSERT INTO drafts (id, chat_id, kind, status, text, original_text, sources, grounded, findings, strategy,
            covers, card, approved_by, sent_message_ids, attempts, error, created_at, updated_at)
           VALUES (${placeholders(18)})`,
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
      });
    },
    async get(id) {
      return get(id);
    },
    transition(id, from, to, patch = {}) {
      return db.groupWrite(() => {
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
      });
    },
    update(id, patch) {
      return db.groupWrite(() => {
        checkId('draft id', id);
        const { sql, values } = patchAssignments(patch);
        const row = db.get(
          `UPDATE drafts SET ${['updated_at = ?', ...sql].join(', ')} WHERE id = ? RETURNING *`,
          now().getTime(),
          ...values,
          id,
        );
        return row ? draftFromRow(row) : null;
      });
    },
    async listByStatus(statuses, limit) {
      const s = statusList(statuses);
      if (s.length === 0) return [];
      return db
        .all(
          `SELECT * FROM drafts WHERE status IN (${placeholders(s.length)}) ORDER BY created_at LIMIT ?`,
          ...s,
          checkLimit(limit, 100),
        )
        .map(draftFromRow);
    },
    async listForChat(chatId, statuses) {
      checkId('chat id', chatId);
      if (!statuses) {
        return db
          .all('SELECT * FROM drafts WHERE chat_id = ? ORDER BY created_at DESC, rowid DESC', chatId)
          .map(draftFromRow);
      }
      const s = statusList(statuses);
      if (s.length === 0) return [];
      return db
        .all(
          `SELECT * FROM drafts WHERE chat_id = ? AND status IN (${placeholders(s.length)})
           ORDER BY created_at DESC, rowid DESC`,
          chatId,
          ...s,
        )
        .map(draftFromRow);
    },
  };
}

function documentWhere(filter: DocumentFilter, alias = ''): SqlParts {
  return new SqlParts()
    .add(`${alias}scope = ?`, filter.scope)
    .add(`${alias}item_id = ?`, filter.itemId)
    .add(`${alias}state = ?`, filter.state)
    .add(`${alias}origin = ?`, filter.origin);
}

function documents(db: SqliteDatabase, now: () => Date): DocumentRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM documents WHERE id = ?', checkId('document id', id));
    return row ? documentFromRow(row) : null;
  };
  return {
    save(input) {
      return db.groupWrite(() => {
        const previous = input.id ? get(input.id) : null;
        const d = newDocument(input, now(), previous?.createdAt);
        db.run(
          `INSERT INTO documents (id, title, scope, item_id, origin, source_key, mime_type, size_bytes, sha256,
            remote_name, state, error, created_at, updated_at) VALUES (${placeholders(14)})
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, scope = excluded.scope, item_id = excluded.item_id,
            origin = excluded.origin, source_key = excluded.source_key, mime_type = excluded.mime_type,
            size_bytes = excluded.size_bytes, sha256 = excluded.sha256, remote_name = excluded.remote_name,
            state = excluded.state, error = excluded.error, updated_at = excluded.updated_at`,
          d.id,
          d.title,
          d.scope,
          d.itemId,
          d.origin,
          d.sourceKey,
          d.mimeType,
          d.sizeBytes,
          d.sha256,
          d.remoteName,
          d.state,
          d.error,
          toMs(d.createdAt),
          toMs(d.updatedAt),
        );
        return d;
      });
    },
    async get(id) {
      return get(id);
    },
    async findBySource(origin, sourceKey) {
      const row = db.get(
        'SELECT * FROM documents WHERE origin = ? AND source_key = ? ORDER BY updated_at DESC LIMIT 1',
        origin,
        checkKey('sourceKey', sourceKey),
      );
      return row ? documentFromRow(row) : null;
    },
    async list(filter = {}) {
      const where = documentWhere(filter);
      return db
        .all(`SELECT * FROM documents ${where.where()} ORDER BY created_at, rowid`, ...where.values)
        .map(documentFromRow);
    },
    update(id, patch) {
      return db.groupWrite(() => {
        const sets = new SqlParts()
          .add('updated_at = ?', now().getTime())
          .add('state = ?', patch.state)
          .add('error = ?', patch.error)
          .add('remote_name = ?', patch.remoteName)
          .add('title = ?', patch.title);
        const row = db.get(
          `UPDATE documents SET ${sets.fragments.join(', ')} WHERE id = ? RETURNING *`,
          ...sets.values,
          checkId('document id', id),
        );
        return row ? documentFromRow(row) : null;
      });
    },
    remove(id) {
      return db.groupWrite(() => {
        // Chunks go with it (ON DELETE CASCADE).
        return db.run('DELETE FROM documents WHERE id = ?', checkId('document id', id)) === 1;
      });
    },
    replaceChunks(docId, chunks) {
      // All or nothing: each group write is a savepoint of its own.
      return db.groupWrite(() => {
        checkId('document id', docId);
        db.run('DELETE FROM chunks WHERE doc_id = ?', docId);
        for (const c of chunks)
          db.run('INSERT INTO chunks (doc_id, idx, text) VALUES (?, ?, ?)', docId, c.index, c.text);
      });
    },
    async chunks(filter = {}) {
      const where = documentWhere({ ...filter, state: 'ready' }, 'd.');
      return db
        .all(
          `SELECT c.doc_id, c.idx, c.text, d.title, d.scope, d.item_id FROM chunks c
           JOIN documents d ON d.id = c.doc_id ${where.where()} ORDER BY d.created_at, d.rowid, c.idx`,
          ...where.values,
        )
        .map((r) => ({
          docId: String(r.doc_id),
          index: Number(r.idx),
          text: String(r.text),
          title: String(r.title),
          scope: r.scope as 'general' | 'item',
          itemId: r.item_id === null ? null : String(r.item_id),
        }));
    },
  };
}

function listings(db: SqliteDatabase): ListingRepository {
  return {
    upsert(l) {
      return db.groupWrite(() => {
        checkId('listing id', l.id);
        checkDate('listing syncedAt', l.syncedAt);
        db.run(
          `INSERT OR REPLACE INTO listings (id, title, price, url, status, category, address, synced_at)
           VALUES (${placeholders(8)})`,
          l.id,
          l.title,
          l.price,
          l.url,
          l.status,
          l.category,
          l.address,
          l.syncedAt.getTime(),
        );
        return l;
      });
    },
    async get(id) {
      const row = db.get('SELECT * FROM listings WHERE id = ?', checkId('listing id', id));
      return row ? listingFromRow(row) : null;
    },
    async list(filter = {}) {
      const rows =
        filter.status === undefined
          ? db.all('SELECT * FROM listings ORDER BY title, id')
          : db.all('SELECT * FROM listings WHERE status = ? ORDER BY title, id', filter.status);
      return rows.map(listingFromRow);
    },
    remove(id) {
      return db.groupWrite(() => {
        return db.run('DELETE FROM listings WHERE id = ?', checkId('listing id', id)) === 1;
      });
    },
  };
}

function settings(db: SqliteDatabase): SettingsRepository {
  const read = (): Settings => fromJson(db.get('SELECT value FROM settings WHERE id = 1')?.value, {});
  return {
    async get() {
      return read();
    },
    update(patch) {
      return db.groupWrite(() => {
        const merged: Settings = { ...read() };
        for (const [k, v] of Object.entries(patch))
          if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
        db.run(
          'INSERT INTO settings (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value',
          JSON.stringify(merged),
        );
        return merged;
      });
    },
  };
}

function audit(db: SqliteDatabase, now: () => Date): AuditRepository {
  return {
    append(input) {
      return db.groupWrite(() => {
        const e = newAuditEntry(input, now());
        db.run(
          `INSERT INTO audit (id, at, actor, action, chat_id, draft_id, before, after, details)
           VALUES (${placeholders(9)})`,
          e.id,
          e.at.getTime(),
          e.actor,
          e.action,
          e.chatId,
          e.draftId,
          e.before,
          e.after,
          toJson(e.details),
        );
        return e;
      });
    },
    async query(q = {}) {
      const where = new SqlParts()
        .add('chat_id = ?', q.chatId === undefined ? undefined : checkId('chat id', q.chatId))
        .add('draft_id = ?', q.draftId === undefined ? undefined : checkId('draft id', q.draftId))
        .add('action = ?', q.action)
        .add('at >= ?', q.since === undefined ? undefined : checkDate('since', q.since).getTime());
      return db
        .all(
          `SELECT * FROM audit ${where.where()} ORDER BY at DESC, rowid DESC LIMIT ?`,
          ...where.values,
          checkLimit(q.limit, 100),
        )
        .map(auditFromRow);
    },
  };
}

function kv(db: SqliteDatabase, now: () => Date): KvRepository {
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : now().getTime() + ttlMs);
  return {
    async get<T>(key: string) {
      const row = db.get(
        'SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
        checkKey('kv key', key),
        now().getTime(),
      );
      return row ? (JSON.parse(String(row.value)) as T) : null;
    },
    set(key, value, ttlMs) {
      return db.groupWrite(() => {
        db.run(
          `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
          checkKey('kv key', key),
          JSON.stringify(value ?? null),
          expiry(ttlMs),
        );
      });
    },
    setIfAbsent(key, value, ttlMs) {
      return db.groupWrite(() => {
        // The WHERE on the upsert makes "absent or expired" one atomic check.
        const changed = db.run(
          `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
           WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`,
          checkKey('kv key', key),
          JSON.stringify(value ?? null),
          expiry(ttlMs),
          now().getTime(),
        );
        return changed === 1;
      });
    },
    delete(key) {
      return db.groupWrite(() => {
        return db.run('DELETE FROM kv WHERE key = ?', checkKey('kv key', key)) === 1;
      });
    },
  };
}

function leases(db: SqliteDatabase, now: () => Date): LeaseRepository {
  return {
    acquire(name, holder, ttlMs) {
      return db.groupWrite(() => {
        const at = now().getTime();
        // The WHERE on the upsert makes "free, expired or already ours" one atomic check.
        const changed = db.run(
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`,
          checkKey('lease name', name),
          checkKey('lease holder', holder),
          at + checkDuration('lease ttl', ttlMs),
          at,
        );
        return changed === 1;
      });
    },
    renew(name, holder, ttlMs) {
      return db.groupWrite(
        () =>
          db.run(
            'UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?',
            now().getTime() + checkDuration('lease ttl', ttlMs),
            checkKey('lease name', name),
            checkKey('lease holder', holder),
          ) === 1,
      );
    },
    release(name, holder) {
      return db.groupWrite(() => {
        db.run(
          'DELETE FROM leases WHERE name = ? AND holder = ?',
          checkKey('lease name', name),
          checkKey('lease holder', holder),
        );
      });
    },
  };
}

/** Where each protected field lives: table, column, and whether the column holds JSON text. */
const PROTECTED_COLUMNS: Record<ProtectedField, { table: string; column: string; json: boolean }> = {
  'chats.buyerName': { table: 'chats', column: 'buyer_name', json: false },
  'messages.text': { table: 'messages', column: 'text', json: false },
  'messages.content': { table: 'messages', column: 'content', json: true },
  'events.payload': { table: 'events', column: 'payload', json: true },
  'drafts.text': { table: 'drafts', column: 'text', json: false },
  'drafts.originalText': { table: 'drafts', column: 'original_text', json: false },
  'audit.before': { table: 'audit', column: 'before', json: false },
  'audit.after': { table: 'audit', column: 'after', json: false },
  'kv.value': { table: 'kv', column: 'value', json: true },
};
const REWRITE_BATCH = 500;

function maintenance(db: SqliteDatabase): StoreMaintenance {
  return {
    async rewriteProtected(rewrite, onProgress) {
      const report = { visited: 0, rewritten: 0, skipped: 0, compacted: false };
      const fields = Object.entries(PROTECTED_COLUMNS) as [
        ProtectedField,
        (typeof PROTECTED_COLUMNS)[ProtectedField],
      ][];
      // JSON `null` counts as absent, like SQL NULL: there is nothing to protect in it.
      const present = (c: string) => `${c} IS NOT NULL AND ${c} != 'null'`;
      const total = fields.reduce(
        (sum, [, { table, column }]) =>
          sum + Number(db.get(`SELECT COUNT(*) AS n FROM ${table} WHERE ${present(`"${column}"`)}`)?.n ?? 0),
        0,
      );
      for (const [field, { table, column, json }] of fields) {
        const col = `"${column}"`;
        let after = 0;
        for (;;) {
          const rows = db.all(
            `SELECT rowid AS rid, ${col} AS v FROM ${table} WHERE rowid > ? AND ${present(col)} ORDER BY rowid LIMIT ?`,
            after,
            REWRITE_BATCH,
          );
          if (rows.length === 0) break;
          // One transaction per batch: fast, and short enough not to hold the write lock for long.
          db.transaction(() => {
            for (const row of rows) {
              report.visited += 1;
              const raw = String(row.v);
              const next = rewrite(field, json ? (JSON.parse(raw) as unknown) : raw);
              if (next === undefined) continue;
              if (!json && typeof next !== 'string')
                throw new StoreValidationError(field, `a rewrite must return a string, got ${typeof next}`);
              const encoded = json ? JSON.stringify(next) : (next as string);
              // Compare-and-set on the raw value: a concurrent write wins over the rewrite.
              const changed = db.run(
                `UPDATE ${table} SET ${col} = ? WHERE rowid = ? AND ${col} = ?`,
                encoded,
                Number(row.rid),
                raw,
              );
              if (changed === 1) report.rewritten += 1;
              else report.skipped += 1;
            }
          });
          after = Number(rows[rows.length - 1]!.rid);
          onProgress?.(report.visited, total);
        }
      }
      // An UPDATE leaves the old bytes in free pages and old page images in the WAL: purge both, or the
      // plaintext (or old-key ciphertext) stays readable in the file after a rotation.
      if (report.rewritten > 0) report.compacted = db.compact();
      return report;
    },
  };
}

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway store. */
  path: string;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

/** The embedded store: one SQLite file (WAL) through `node:sqlite`, no native dependency. */
export function openSqliteStore(options: SqliteStoreOptions): Store & { readonly path: string } {
  const db = new SqliteDatabase(options.path);
  const now = options.now ?? (() => new Date());
  return {
    kind: 'sqlite',
    path: options.path,
    chats: chats(db, now),
    messages: messages(db),
    events: events(db, now),
    drafts: drafts(db, now),
    documents: documents(db, now),
    listings: listings(db),
    settings: settings(db),
    audit: audit(db, now),
    kv: kv(db, now),
    sequences: sequences(db),
    leases: leases(db, now),
    retention: sqliteRetention(db),
    maintenance: maintenance(db),
    async ping() {
      db.get('SELECT 1');
    },
    async close() {
      await db.close();
    },
  };
}
