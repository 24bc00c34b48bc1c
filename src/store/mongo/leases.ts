/** The `leases` collection: short exclusive holds across processes. */
import type { Models } from '../../models/mongo-schemas.js';
import type { LeaseRepository } from '../port.js';
import { checkDuration, checkKey } from '../validate.js';
import { isDuplicateKey } from './lean.js';

export function leases(m: Models, now: () => Date): LeaseRepository {
  return {
    async acquire(name, holder, ttlMs) {
      checkKey('lease name', name);
      checkKey('lease holder', holder);
      const at = now();
      const expiresAt = new Date(at.getTime() + checkDuration('lease ttl', ttlMs));
      try {
        // Matches a lease that is expired or already ours; one held by another makes the upsert collide on _id.
        const res = await m.Lease.updateOne(
          { _id: name, $or: [{ expiresAt: { $lte: at } }, { holder }] },
          { $set: { holder, expiresAt } },
          { upsert: true },
        );
        return res.matchedCount + res.upsertedCount === 1;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async renew(name, holder, ttlMs) {
      const expiresAt = new Date(now().getTime() + checkDuration('lease ttl', ttlMs));
      const res = await m.Lease.updateOne(
        { _id: checkKey('lease name', name), holder: checkKey('lease holder', holder) },
        { $set: { expiresAt } },
      );
      return res.matchedCount === 1;
    },
    async release(name, holder) {
      await m.Lease.deleteOne({
        _id: checkKey('lease name', name),
        holder: checkKey('lease holder', holder),
      });
    },
  };
}
