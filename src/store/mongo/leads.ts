import type { Models } from '../../models/mongo-schemas.js';
import { type AuditEntry, CLOSED_LEAD_STAGES, type Lead } from '../../models/records.js';
import { contactKeysOf } from '../../security/contact-keys.js';
import {
  checkLeadChannel,
  checkLeadStage,
  conversationKey,
  decodeLeadCursor,
  encodeLeadCursor,
  checkPageLimit,
  isClosedStage,
  LEAD_PATCH_FIELDS,
  leadAuditEntries,
  movedLead,
  newLead,
  patchedLead,
} from '../lead-records.js';
import { LeadConversationTakenError, type LeadRepository, type StoreMaintenance } from '../port.js';
import { checkId } from '../validate.js';

type Doc = Record<string, unknown> & { _id?: unknown };

const INTERNAL = ['openConversations', 'contactKeys', 'pendingAudit'] as const;

/** Lean document → the Lead record: `_id` becomes `id`, the index-only fields stay inside. */
function leadOf(doc: Doc | null | undefined): Lead | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  for (const key of INTERNAL) delete rest[key];
  return { id: String(_id), ...rest } as unknown as Lead;
}

const isDuplicateKey = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/** insertMany with `ordered: false` reports each duplicate in `writeErrors`; only duplicates are harmless. */
const onlyDuplicates = (err: unknown) =>
  isDuplicateKey(err) ||
  (typeof err === 'object' &&
    err !== null &&
    Array.isArray((err as { writeErrors?: unknown }).writeErrors) &&
    (err as { writeErrors: Array<{ code?: unknown }> }).writeErrors.every((e) => e.code === 11000));

export interface MongoLeadDeps {
  now: () => Date;
  /** Arrival order of audit entries (ties within a millisecond), shared with the audit repository. */
  nextSeq: () => number;
}

/**
 * Leads on MongoDB. Each write is one `findOneAndUpdate` (compare-and-set on version or stage) that also
 * pushes its audit entries into the lead's `pendingAudit`; they are then copied into `audit` (by id, so
 * a repeat is harmless) and pulled. A crash between the two leaves them pending in the lead, durable:
 * the next write of that lead, or the next start (`flushPendingAudit`), copies them.
 */
export function mongoLeads(
  m: Models,
  deps: MongoLeadDeps,
): LeadRepository & { flushPendingAudit(): Promise<void> } {
  const { now } = deps;
  const get = async (id: string) => leadOf(await m.Lead.findById(checkId('lead id', id)).lean<Doc>());

  const flush = async (leadId: string, pending: unknown) => {
    const entries = (Array.isArray(pending) ? pending : []) as AuditEntry[];
    if (entries.length === 0) return;
    try {
      await m.Audit.insertMany(
        entries.map(({ id, ...rest }) => ({ _id: id, ...rest, seq: deps.nextSeq() })),
        { ordered: false },
      ).catch((err: unknown) => {
        if (!onlyDuplicates(err)) throw err;
      });
      await m.Lead.updateOne(
        { _id: leadId },
        { $pull: { pendingAudit: { id: { $in: entries.map((e) => e.id) } } } },
      );
    } catch {
      // The lead change is committed and its entries stay in `pendingAudit`: the next write of this
      // lead or the next start copies them. Failing the caller now would make it retry a change that
      // already happened.
    }
  };

  /** Rethrows a duplicate on `openConversations` as the conversation and the open lead holding it. */
  const conversationTaken = async (err: unknown, lead: Lead): Promise<never> => {
    if (!isDuplicateKey(err)) throw err;
    for (const c of lead.conversations) {
      const holder = await m.Lead.findOne(
        { openConversations: conversationKey(c), _id: { $ne: lead.id } },
        { _id: 1 },
      ).lean<Doc>();
      if (holder) throw new LeadConversationTakenError(c.channel, c.conversationId, String(holder._id));
    }
    throw err;
  };

  /** One compare-and-set write (null when `filter` no longer matches), then its audit entries copied. */
  const write = async (filter: Record<string, unknown>, update: Record<string, unknown>, lead: Lead) => {
    let doc: Doc | null;
    try {
      doc = await m.Lead.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<Doc>();
    } catch (err) {
      return conversationTaken(err, lead);
    }
    if (!doc) return null;
    await flush(lead.id, doc.pendingAudit);
    return leadOf(doc);
  };

  const findOpenByConversation: LeadRepository['findOpenByConversation'] = async (channel, conversationId) =>
    leadOf(
      await m.Lead.findOne({
        openConversations: conversationKey({ channel: checkLeadChannel(channel), conversationId }),
      }).lean<Doc>(),
    );

  return {
    async create(input, audit) {
      const lead = newLead(input, now());
      const existing = await findOpenByConversation(lead.channel, lead.conversationId);
      if (existing) return { inserted: false, existing };
      const { id, ...rest } = lead;
      const pendingAudit = leadAuditEntries(id, audit, lead.createdAt);
      try {
        await m.Lead.create({
          _id: id,
          ...rest,
          openConversations: lead.conversations.map(conversationKey),
          contactKeys: [...(input.contactKeys ?? contactKeysOf(lead.contact, [undefined]))],
          pendingAudit,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await findOpenByConversation(lead.channel, lead.conversationId);
        if (!winner) throw err;
        return { inserted: false, existing: winner };
      }
      await flush(id, pendingAudit);
      return { inserted: true, record: lead };
    },
    get,
    findOpenByConversation,
    async findOpenByContact(lookup) {
      const keys = lookup.keys ?? contactKeysOf(lookup, [undefined]);
      if (keys.length === 0) return [];
      const docs = await m.Lead.find({
        contactKeys: { $in: [...keys] },
        stage: { $nin: [...CLOSED_LEAD_STAGES] },
      })
        .sort({ updatedAt: -1, _id: 1 })
        .lean<Doc[]>();
      return docs.map((d) => leadOf(d)!);
    },
    async update(id, version, patch, audit) {
      const current = await get(id);
      if (!current || current.version !== version) return null;
      const next = patchedLead(current, patch, now());
      const set: Record<string, unknown> = { version: next.version, updatedAt: next.updatedAt };
      for (const key of LEAD_PATCH_FIELDS) if (patch[key] !== undefined) set[key] = next[key];
      if (patch.conversations && !isClosedStage(current.stage))
        set.openConversations = next.conversations.map(conversationKey);
      if (patch.contact !== undefined)
        set.contactKeys = patch.contactKeys ?? contactKeysOf(patch.contact, [undefined]);
      return write(
        { _id: id, version },
        { $set: set, $push: { pendingAudit: { $each: leadAuditEntries(id, audit, next.updatedAt) } } },
        next,
      );
    },
    async transition(id, from, to, change) {
      const fromStages = from.map(checkLeadStage);
      const current = await get(id);
      if (!current || !fromStages.includes(current.stage)) return null;
      const next = movedLead(current, to, change.lostReason, now());
      const set: Record<string, unknown> = {
        stage: next.stage,
        lostReason: next.lostReason,
        lostFrom: next.lostFrom,
        updatedAt: next.updatedAt,
        stageChangedAt: next.stageChangedAt,
        closedAt: next.closedAt,
      };
      if (isClosedStage(next.stage) !== isClosedStage(current.stage))
        set.openConversations = isClosedStage(next.stage) ? [] : current.conversations.map(conversationKey);
      // The stage it was read at: a concurrent move wins, other changes (brief, contact) do not matter.
      return write(
        { _id: id, stage: current.stage },
        {
          $set: set,
          $inc: { version: 1 },
          $push: { pendingAudit: { $each: leadAuditEntries(id, change.audit, next.updatedAt) } },
        },
        current,
      );
    },
    async listByStage(stages, page = {}) {
      const s = stages.map(checkLeadStage);
      const limit = checkPageLimit(page.limit);
      if (s.length === 0) return { leads: [], next: null };
      const filter: Record<string, unknown> = { stage: { $in: s } };
      if (page.after) {
        const after = decodeLeadCursor(page.after);
        const at = new Date(after.createdAt);
        filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: after.id } }];
      }
      const docs = await m.Lead.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<Doc[]>();
      const found = docs.slice(0, limit).map((d) => leadOf(d)!);
      return { leads: found, next: docs.length > limit ? encodeLeadCursor(found.at(-1)!) : null };
    },
    async flushPendingAudit() {
      const docs = await m.Lead.find({ 'pendingAudit.0': { $exists: true } }, { pendingAudit: 1 }).lean<
        Doc[]
      >();
      for (const d of docs) await flush(String(d._id), d.pendingAudit);
    },
  };
}

const REKEY_BATCH = 500;

/** {@link StoreMaintenance.rewriteContactKeys} on the leads' `contactKeys`. */
export function rewriteMongoContactKeys(m: Models): StoreMaintenance['rewriteContactKeys'] {
  return async (compute, onProgress) => {
    const report = { visited: 0, rewritten: 0, skipped: 0 };
    const leads = m.Lead.collection;
    const total = await leads.countDocuments({});
    let after: unknown;
    for (;;) {
      const filter: Record<string, unknown> = after === undefined ? {} : { _id: { $gt: after } };
      const docs = await leads
        .find(filter, { projection: { contact: 1, contactKeys: 1 } })
        .sort({ _id: 1 })
        .limit(REKEY_BATCH)
        .toArray();
      if (docs.length === 0) break;
      for (const doc of docs) {
        report.visited += 1;
        const next = compute(doc.contact);
        if (next === undefined) continue;
        const current = [...((doc.contactKeys as string[] | undefined) ?? [])].sort();
        const wanted = [...new Set(next)].sort();
        if (current.length === wanted.length && current.every((k, i) => k === wanted[i])) continue;
        // Compare-and-set on the contact the keys were computed from.
        const res = await leads.updateOne(
          { _id: doc._id, contact: doc.contact },
          { $set: { contactKeys: wanted } },
        );
        if (res.modifiedCount === 1) report.rewritten += 1;
        else report.skipped += 1;
      }
      after = docs[docs.length - 1]!._id;
      onProgress?.(report.visited, total);
    }
    return report;
  };
}
