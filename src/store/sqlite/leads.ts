import type { SQLInputValue } from 'node:sqlite';
import { CLOSED_LEAD_STAGES, type Lead, type LeadConversation } from '../../models/records.js';
import { contactKeysOf } from '../../security/contact-keys.js';
import {
  checkLeadChannel,
  checkLeadStage,
  checkPageLimit,
  conversationKey,
  decodeLeadCursor,
  encodeLeadCursor,
  isClosedStage,
  leadAuditEntries,
  movedLead,
  newLead,
  patchedLead,
  reviveBrief,
  reviveDocuments,
} from '../lead-records.js';
import {
  type LeadAuditInput,
  LeadConversationTakenError,
  type LeadRepository,
  type StoreMaintenance,
} from '../port.js';
import { checkId } from '../validate.js';
import { insertAuditRow } from './audit-rows.js';
import {
  fromJson,
  fromMs,
  placeholders,
  type Row,
  type SqliteDatabase,
  str,
  toJson,
  toMs,
} from './database.js';

const OPEN = `stage NOT IN (${CLOSED_LEAD_STAGES.map((s) => `'${s}'`).join(', ')})`;
const EMPTY_CONTACT = { name: null, phone: null, email: null };
const amount = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function leadFromRow(r: Row): Lead {
  return {
    id: String(r.id),
    channel: r.channel as Lead['channel'],
    conversationId: String(r.conversation_id),
    conversations: fromJson(r.conversations, []),
    listing: fromJson(r.listing, null),
    contact: fromJson(r.contact, EMPTY_CONTACT),
    brief: reviveBrief(fromJson(r.brief, {})),
    stage: r.stage as Lead['stage'],
    lostReason: str(r.lost_reason),
    lostFrom: (r.lost_from ?? null) as Lead['lostFrom'],
    tags: fromJson(r.tags, []),
    amounts: { quoted: amount(r.quoted), invoiced: amount(r.invoiced), paid: amount(r.paid) },
    documents: reviveDocuments(fromJson(r.documents, [])),
    version: Number(r.version),
    createdAt: fromMs(r.created_at) as Date,
    updatedAt: fromMs(r.updated_at) as Date,
    stageChangedAt: fromMs(r.stage_changed_at) as Date,
    closedAt: fromMs(r.closed_at),
  };
}

function replaceContactKeys(db: SqliteDatabase, leadId: string, keys: readonly string[]): void {
  db.run('DELETE FROM lead_contact_keys WHERE lead_id = ?', leadId);
  insertContactKeys(db, leadId, keys);
}

/** The keys of a lead that has none stored (a new one): nothing to delete first. */
function insertContactKeys(db: SqliteDatabase, leadId: string, keys: readonly string[]): void {
  for (const key of new Set(keys))
    db.run('INSERT INTO lead_contact_keys (lead_id, key) VALUES (?, ?)', leadId, key);
}

/** Every column but the id, in the order of INSERT and UPDATE below. */
function leadColumns(l: Lead): SQLInputValue[] {
  return [
    l.channel,
    l.conversationId,
    toJson(l.conversations),
    toJson(l.listing),
    toJson(l.contact),
    toJson(l.brief),
    l.stage,
    l.lostReason,
    l.lostFrom,
    toJson(l.tags),
    l.amounts.quoted,
    l.amounts.invoiced,
    l.amounts.paid,
    toJson(l.documents),
    l.version,
    toMs(l.createdAt),
    toMs(l.updatedAt),
    toMs(l.stageChangedAt),
    toMs(l.closedAt),
  ];
}

const COLUMNS = [
  'channel',
  'conversation_id',
  'conversations',
  'listing',
  'contact',
  'brief',
  'stage',
  'lost_reason',
  'lost_from',
  'tags',
  'quoted',
  'invoiced',
  'paid',
  'documents',
  'version',
  'created_at',
  'updated_at',
  'stage_changed_at',
  'closed_at',
];

/** The `leads` table with its conversation claims and contact lookup keys (see migrations.ts). */
export function leads(db: SqliteDatabase, now: () => Date): LeadRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM leads WHERE id = ?', checkId('lead id', id));
    return row ? leadFromRow(row) : null;
  };
  const holderOf = (key: string) =>
    str(db.get('SELECT lead_id FROM lead_conversations WHERE key = ? AND open = 1', key)?.lead_id);

  /** Throws when another lead holds one of these conversations open; `checked`: a key already found free. */
  const checkClaims = (leadId: string, conversations: readonly LeadConversation[], checked?: string) => {
    for (const c of conversations) {
      const key = conversationKey(c);
      if (key === checked) continue;
      const holder = holderOf(key);
      if (holder !== null && holder !== leadId)
        throw new LeadConversationTakenError(c.channel, c.conversationId, holder);
    }
  };
  const writeConversations = (leadId: string, keys: readonly string[], open: boolean) => {
    for (const key of keys) {
      db.run(
        `INSERT INTO lead_conversations (lead_id, key, open) VALUES (?, ?, ?)
         ON CONFLICT (lead_id, key) DO UPDATE SET open = excluded.open`,
        leadId,
        key,
        open ? 1 : 0,
      );
    }
  };
  /** Makes the lead's conversation rows exactly `conversations`, claimed (open) or not. */
  const syncConversations = (leadId: string, conversations: readonly LeadConversation[], open: boolean) => {
    const keys = conversations.map(conversationKey);
    if (open) checkClaims(leadId, conversations);
    db.run(
      `DELETE FROM lead_conversations WHERE lead_id = ? AND key NOT IN (${placeholders(keys.length)})`,
      leadId,
      ...keys,
    );
    writeConversations(leadId, keys, open);
  };
  const keysFor = (contact: Lead['contact'], given: readonly string[] | undefined) =>
    given ?? contactKeysOf(contact, [undefined]);
  const save = (l: Lead) =>
    db.run(
      `UPDATE leads SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
      ...leadColumns(l),
      l.id,
    );
  const audit = (leadId: string, entries: readonly LeadAuditInput[], at: Date) => {
    for (const e of leadAuditEntries(leadId, entries, at)) insertAuditRow(db, e);
  };

  return {
    create(input, entries) {
      return db.groupWrite(() => {
        const lead = newLead(input, now());
        const key = conversationKey(lead);
        const holder = holderOf(key);
        if (holder !== null) return { inserted: false as const, existing: get(holder)! };
        // A fresh id has no rows of its own to replace, and its conversation was just found free.
        checkClaims(lead.id, lead.conversations, key);
        db.run(
          `INSERT INTO leads (id, ${COLUMNS.join(', ')}) VALUES (${placeholders(COLUMNS.length + 1)})`,
          lead.id,
          ...leadColumns(lead),
        );
        writeConversations(lead.id, lead.conversations.map(conversationKey), true);
        insertContactKeys(db, lead.id, keysFor(lead.contact, input.contactKeys));
        audit(lead.id, entries, lead.createdAt);
        return { inserted: true as const, record: lead };
      });
    },
    async get(id) {
      return get(id);
    },
    async findOpenByConversation(channel, conversationId) {
      const row = db.get(
        `SELECT l.* FROM lead_conversations c JOIN leads l ON l.id = c.lead_id WHERE c.key = +? AND c.open = 1`,
        conversationKey({ channel: checkLeadChannel(channel), conversationId }),
      );
      return row ? leadFromRow(row) : null;
    },
    async findOpenByContact(lookup) {
      const keys = lookup.keys ?? contactKeysOf(lookup, [undefined]);
      if (keys.length === 0) return [];
      return db
        .all(
          `SELECT * FROM leads WHERE ${OPEN} AND id IN
             (SELECT lead_id FROM lead_contact_keys WHERE key IN (${placeholders(keys.length)}))
           ORDER BY updated_at DESC, id`,
          ...keys,
        )
        .map(leadFromRow);
    },
    update(id, version, patch, entries) {
      return db.groupWrite(() => {
        const lead = get(id);
        if (!lead || lead.version !== version) return null;
        const next = patchedLead(lead, patch, now());
        if (patch.conversations) syncConversations(id, next.conversations, !isClosedStage(lead.stage));
        if (patch.contact !== undefined)
          replaceContactKeys(db, id, keysFor(patch.contact, patch.contactKeys));
        save(next);
        audit(id, entries, next.updatedAt);
        return next;
      });
    },
    transition(id, from, to, change) {
      return db.groupWrite(() => {
        const fromStages = from.map(checkLeadStage);
        const lead = get(id);
        if (!lead || !fromStages.includes(lead.stage)) return null;
        const next = movedLead(lead, to, change.lostReason, now());
        if (isClosedStage(next.stage) !== isClosedStage(lead.stage))
          syncConversations(id, lead.conversations, !isClosedStage(next.stage));
        save(next);
        audit(id, change.audit, next.updatedAt);
        return next;
      });
    },
    async listByStage(stages, page = {}) {
      const s = stages.map(checkLeadStage);
      const limit = checkPageLimit(page.limit);
      if (s.length === 0) return { leads: [], next: null };
      const after = page.after ? decodeLeadCursor(page.after) : null;
      const rows = db.all(
        `SELECT * FROM leads WHERE stage IN (${placeholders(s.length)})
         ${after ? 'AND (created_at < ? OR (created_at = ? AND id < ?))' : ''}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
        ...s,
        ...(after ? [after.createdAt, after.createdAt, after.id] : []),
        limit + 1,
      );
      const found = rows.slice(0, limit).map(leadFromRow);
      return { leads: found, next: rows.length > limit ? encodeLeadCursor(found.at(-1)!) : null };
    },
  };
}

const REKEY_BATCH = 500;

/** {@link StoreMaintenance.rewriteContactKeys} on the `lead_contact_keys` table. */
export function rewriteContactKeys(db: SqliteDatabase): StoreMaintenance['rewriteContactKeys'] {
  return async (compute, onProgress) => {
    const report = { visited: 0, rewritten: 0, skipped: 0 };
    const total = Number(db.get('SELECT COUNT(*) AS n FROM leads')?.n ?? 0);
    let after = 0;
    for (;;) {
      const rows = db.all(
        'SELECT rowid AS rid, id, contact FROM leads WHERE rowid > ? ORDER BY rowid LIMIT ?',
        after,
        REKEY_BATCH,
      );
      if (rows.length === 0) break;
      db.transaction(() => {
        for (const row of rows) {
          report.visited += 1;
          const raw = String(row.contact);
          const next = compute(JSON.parse(raw) as unknown);
          if (next === undefined) continue;
          const id = String(row.id);
          const current = db
            .all('SELECT key FROM lead_contact_keys WHERE lead_id = ? ORDER BY key', id)
            .map((r) => String(r.key));
          const wanted = [...new Set(next)].sort();
          if (current.length === wanted.length && current.every((k, i) => k === wanted[i])) continue;
          // Compare-and-set on the contact the keys were computed from.
          if (str(db.get('SELECT contact FROM leads WHERE id = ?', id)?.contact) !== raw) {
            report.skipped += 1;
            continue;
          }
          replaceContactKeys(db, id, wanted);
          report.rewritten += 1;
        }
      });
      after = Number(rows[rows.length - 1]!.rid);
      onProgress?.(report.visited, total);
    }
    return report;
  };
}
