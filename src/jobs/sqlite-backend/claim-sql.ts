import { freeIndex, leaseTable } from './job-table-schema.js';
import type { SqlParam } from './sqlite-connection.js';

/** What one claim asks for (epoch milliseconds). */
export interface ClaimRequest {
  name: string;
  /** The lock time written, and the clock leases are judged by. */
  now: number;
  /** Free rows due by then are taken (Agenda claims a scan interval ahead). */
  dueBy: number;
  /** A lock taken at or before this has outlived the job's lock lifetime. */
  lockDeadline: number;
  /** The claiming repository's lease. */
  owner: string;
  leaseMs: number;
  lastModifiedBy: string | null;
}

/**
 * The statement that claims the first job of a name that is due and free, or whose lock expired or belongs to a
 * lapsed lease. Three branches, each a range on an index of its own, instead of one OR over the name's rows:
 * free rows from `<table>_free` (free and scheduled only: neither finished jobs nor this process's locked, queued
 * jobs are in it), expired locks from the `locked_at` range, other owners' locks from `locked_by` on both sides of
 * ours. The rows a claim must skip are thus never visited, however many finished jobs or held locks there are.
 * `INDEXED BY` keeps the planner from falling back to a walk over the name. A lock always sets `locked_at` with
 * `locked_by`. Parameters: {@link claimParams}.
 *
 * The name is compared with `+?`, not `?`: with a bare `?` there, SQLite (3.54, in node:sqlite) prepared this
 * statement anew each time values were bound to it (its planner had compared that parameter with a constant),
 * ~100-200 µs per claim for a run of ~10 µs. The unary plus passes the same value, compared the same way (a
 * parameter has no affinity either way), and the indexes are searched as before. The unique lookups
 * (sqlite-job-repository.ts) bind their keys the same way; a test checks through the authorizer that no job
 * statement is prepared again per call.
 */
export function claimSql(table: string): string {
  const t = `"${table}"`;
  const order = 'ORDER BY next_run_at ASC NULLS LAST, priority DESC, rowid ASC LIMIT 1';
  const columns = 'id, next_run_at, priority, rowid AS position';
  return `UPDATE ${t} SET locked_at = ?, locked_by = ?, last_modified_by = ?, rescheduled_while_locked = 0
       WHERE id = (
         SELECT id FROM (
           SELECT * FROM (
             SELECT ${columns} FROM ${t} INDEXED BY "${freeIndex(table)}"
             WHERE name = +? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ?
             ${order})
           UNION ALL
           SELECT * FROM (
             SELECT ${columns} FROM ${t} INDEXED BY "${table}_locked_at"
             WHERE locked_at IS NOT NULL AND locked_at <= ? AND name = +? AND disabled = 0
             ${order})
           UNION ALL
           SELECT * FROM (
             SELECT ${columns} FROM ${t} AS j INDEXED BY "${table}_locked_by"
             WHERE locked_by IS NOT NULL AND (locked_by < ? OR locked_by > ?) AND name = +? AND disabled = 0
               AND NOT EXISTS (SELECT 1 FROM "${leaseTable(table)}" AS l WHERE l.owner = j.locked_by AND l.renewed_at > ?)
             ${order}))
         ORDER BY next_run_at ASC NULLS LAST, priority DESC, position ASC LIMIT 1
       )
       RETURNING *`;
}

/** The parameters of {@link claimSql}, in its order. */
export function claimParams(claim: ClaimRequest): SqlParam[] {
  return [
    claim.now,
    claim.owner,
    claim.lastModifiedBy,
    claim.name,
    claim.dueBy,
    claim.lockDeadline,
    claim.name,
    claim.owner,
    claim.owner,
    claim.name,
    claim.now - claim.leaseMs,
  ];
}
