import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop.
 *
 * By default the connection that commits the 1000th WAL page copies the WAL back into the database file
 * and fsyncs both, inside that commit: every few hundred writes one of them blocks the event loop for
 * 10–20 ms, and on average checkpointing doubles the cost of a write. A connection that takes part here
 * turns its automatic checkpoints off; one worker thread per database file checkpoints instead, on its own
 * connection, in PASSIVE mode (writers and readers go on while it copies).
 */

/** How often the worker checkpoints: the WAL holds at most about this much work. */
export const CHECKPOINT_INTERVAL_MS = 1000;

/** SQLite's own default, restored on a connection whose checkpoint worker is gone. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

// Plain CommonJS, evaluated by the worker: it must load the same way under tsx and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { timeout: workerData.busyTimeoutMs });
const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const checkpoint = () => {
  try {
    const row = statement.get();
    return { busy: Number(row.busy), log: Number(row.log), checkpointed: Number(row.checkpointed) };
  } catch (err) {
    return { error: String(err && err.message ? err.message : err) };
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'checkpoint') parentPort.postMessage({ id: message.id, result: checkpoint() });
  if (message.type === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointResult {
  /** 1 when another checkpoint or a writer kept this one from finishing. */
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  /** Why the checkpoint could not run (the other fields are then absent). */
  error?: string;
}

export interface WalCheckpointLease {
  /** Runs a checkpoint now (tests, and callers that want the file current). */
  checkpoint(): Promise<CheckpointResult>;
  /** Gives the lease back; the worker stops (after a last checkpoint) when no connection holds one. */
  release(): Promise<void>;
}

interface Entry {
  worker: Worker;
  leases: number;
  /** Connections to hand their automatic checkpoints back to if the worker dies. */
  onLost: Set<() => void>;
  nextId: number;
  waiting: Map<number, (result: CheckpointResult) => void>;
  /** Told to stop: stays ref'd until it has exited. */
  stopping: boolean;
  exited: Promise<void>;
}

const entries = new Map<string, Entry>();

function startWorker(path: string, busyTimeoutMs: number): Entry {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, busyTimeoutMs, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  const entry: Entry = {
    worker,
    leases: 0,
    onLost: new Set(),
    nextId: 1,
    waiting: new Map(),
    stopping: false,
    exited: new Promise((done) => worker.once('exit', () => done())),
  };
  worker.on('message', (message: { id: number; result: CheckpointResult }) => {
    entry.waiting.get(message.id)?.(message.result);
    entry.waiting.delete(message.id);
    if (entry.waiting.size === 0 && !entry.stopping) worker.unref();
  });
  const lost = () => {
    if (entries.get(path) !== entry) return;
    entries.delete(path);
    for (const fallback of entry.onLost) fallback();
    for (const resolveWaiting of entry.waiting.values())
      resolveWaiting({ busy: 1, log: -1, checkpointed: -1 });
  };
  worker.once('error', lost);
  worker.once('exit', lost);
  // A checkpoint in flight must not keep a finished process alive (SQLite checkpoints are crash-safe).
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return entry;
}

/**
 * Joins the checkpoint worker of this database file, starting it on first use; `onLost` runs should the worker
 * die. Null for in-memory databases (no WAL).
 */
function leaseWalCheckpointer(
  file: string,
  onLost: () => void,
  busyTimeoutMs = 5000,
): WalCheckpointLease | null {
  if (file === ':memory:' || file === '') return null;
  const path = resolve(file);
  let entry = entries.get(path);
  if (!entry) {
    entry = startWorker(path, busyTimeoutMs);
    entries.set(path, entry);
  }
  const held = entry;
  held.leases += 1;
  held.onLost.add(onLost);
  let released = false;
  return {
    checkpoint() {
      return new Promise((done) => {
        if (entries.get(path) !== held) return done({ busy: 1, log: -1, checkpointed: -1 });
        const id = held.nextId++;
        held.waiting.set(id, done);
        // An awaited answer must keep this thread alive until it comes.
        held.worker.ref();
        held.worker.postMessage({ type: 'checkpoint', id });
      });
    },
    async release() {
      if (released) return;
      released = true;
      held.onLost.delete(onLost);
      held.leases -= 1;
      if (held.leases > 0) return;
      if (entries.get(path) === held) {
        entries.delete(path);
        // Awaiting the exit must keep this thread alive until it comes.
        held.stopping = true;
        held.worker.ref();
        held.worker.postMessage({ type: 'stop' });
      }
      // Callers delete data directories after closing: the worker must have let go of the file by then.
      await held.exited;
    },
  };
}

/**
 * Hands `db`'s checkpoints to the worker of its file: turns its automatic checkpoints off, and back on should the
 * worker die. Null (checkpoints left as they are) for in-memory databases.
 */
export function checkpointInBackground(
  db: DatabaseSync,
  file: string,
  busyTimeoutMs?: number,
): WalCheckpointLease | null {
  const lease = leaseWalCheckpointer(
    file,
    () => {
      if (db.isOpen) db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    },
    busyTimeoutMs,
  );
  if (lease) db.exec('PRAGMA wal_autocheckpoint = 0');
  return lease;
}
