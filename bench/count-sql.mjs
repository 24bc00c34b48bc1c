/**
 * A preload for the service that counts the SQLite statements it runs, by SQL text: with the pipeline bench,
 * `BENCH_MARK_SIGNAL=SIGUSR2 BENCH_SERVICE_NODE_OPTIONS="--import ./bench/count-sql.mjs"`. Each SIGUSR2
 * writes the counts so far to `/tmp/sql-counts.<n>.json` (the bench sends one before and one after the
 * bursts); `npx tsx bench/profile-summary.ts --sql before.json after.json chats` prints the difference per chat.
 * Plain JavaScript: the service runs from its build, without tsx.
 */
import { writeFileSync } from 'node:fs';
import { DatabaseSync, StatementSync } from 'node:sqlite';

const counts = new Map();
const count = (sql) => {
  const key = sql.replace(/\s+/g, ' ').trim();
  counts.set(key, (counts.get(key) ?? 0) + 1);
};
for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = StatementSync.prototype[method];
  StatementSync.prototype[method] = function (...params) {
    count(this.sourceSQL);
    return original.apply(this, params);
  };
}
const exec = DatabaseSync.prototype.exec;
DatabaseSync.prototype.exec = function (sql) {
  count(sql);
  return exec.call(this, sql);
};
let snapshots = 0;
process.on('SIGUSR2', () => {
  snapshots += 1;
  writeFileSync(`/tmp/sql-counts.${snapshots}.json`, JSON.stringify(Object.fromEntries(counts)));
});
