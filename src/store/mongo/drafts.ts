/** The `drafts` collection: compare-and-set state changes with one `findOneAndUpdate` each. */
import type { Models } from '../../models/mongo-schemas.js';
import type { Draft, DraftStatus } from '../../models/records.js';
import type { DraftRepository } from '../port.js';
import { checkDraftStatus, newDraft } from '../records.js';
import { checkId, checkLimit } from '../validate.js';
import { definedOnly, type Doc, plain } from './lean.js';

export function drafts(m: Models, now: () => Date): DraftRepository {
  return {
    async create(input) {
      const draft = newDraft(input, now());
      const { id, ...rest } = draft;
      await m.Draft.create({ _id: id, ...rest });
      return draft;
    },
    async get(id) {
      return plain<Draft>(await m.Draft.findById(checkId('draft id', id)).lean<Doc>());
    },
    async transition(id, from, to, patch = {}) {
      checkId('draft id', id);
      const fromStates = from.map(checkDraftStatus);
      if (fromStates.length === 0) return null;
      const doc = await m.Draft.findOneAndUpdate(
        { _id: id, status: { $in: fromStates } },
        { $set: { ...definedOnly(patch), status: checkDraftStatus(to), updatedAt: now() } },
        { returnDocument: 'after' },
      ).lean<Doc>();
      return plain<Draft>(doc);
    },
    async update(id, patch) {
      const doc = await m.Draft.findByIdAndUpdate(
        checkId('draft id', id),
        { $set: { ...definedOnly(patch), updatedAt: now() } },
        { returnDocument: 'after' },
      ).lean<Doc>();
      return plain<Draft>(doc);
    },
    async listByStatus(statuses, limit) {
      const s = statuses.map(checkDraftStatus);
      if (s.length === 0) return [];
      const docs = await m.Draft.find({ status: { $in: s } })
        .sort({ createdAt: 1 })
        .limit(checkLimit(limit, 100))
        .lean<Doc[]>();
      return docs.map((d) => plain<Draft>(d)!);
    },
    async listForChat(chatId, statuses?: readonly DraftStatus[]) {
      const q: Record<string, unknown> = { chatId: checkId('chat id', chatId) };
      if (statuses) {
        if (statuses.length === 0) return [];
        q.status = { $in: statuses.map(checkDraftStatus) };
      }
      const docs = await m.Draft.find(q).sort({ createdAt: -1 }).lean<Doc[]>();
      return docs.map((d) => plain<Draft>(d)!);
    },
  };
}
