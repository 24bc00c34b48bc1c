import { stat } from 'node:fs/promises';
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
 *
 * The worker runs only while writes go on. A lone small change after a quiet second (an idle service's minutely
 * sweeps) is checkpointed on this thread instead: a few pages cost less than starting a thread with its own V8
 * heap, which keeps ~10 MB of an idle service's memory while it runs and part of it after.
 */

/** How often the worker checkpoints: the WAL holds at most about this much work. */
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * A worker whose WAL has not changed for this long stops (a thread with its own V8 heap costs ~11 MB of an idle
 * service's memory); the next write starts it again within {@link CHECKPOINT_INTERVAL_MS}.
 */
export const WORKER_IDLE_MS = 10_000;

/**
 * A change that grew the WAL by more than this is left to the worker even when lone (a bulk import): copying it
 * would block the event loop. A WAL reused after a checkpoint does not grow, and holds at most its size.
 */
const LONE_CHANGE_MAX_BYTES = 1024 * 1024;

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
  /** Whether a worker thread runs for this file now (it stops when the WAL stays unchanged). */
  readonly working: boolean;
}

const UNFINISHED: CheckpointResult = { busy: 1, log: -1, checkpointed: -1 };

interface Running {
  worker: Worker;
  nextId: number;
  waiting: Map<number, (result: CheckpointResult) => void>;
  /** Told to stop: stays ref'd until it has exited. */
  stopping: boolean;
  exited: Promise<void>;
}

interface Entry {
  path: string;
  busyTimeoutMs: number;
  idleMs: number;
  leases: number;
  /** Connections to hand their automatic checkpoints back to if a worker dies. */
  onLost: Set<() => void>;
  /** The same connections' own PASSIVE checkpoint, for a lone change; false when it could not copy every frame. */
  here: Set<() => boolean>;
  /** Whether the last look saw the WAL change: a second change in a row means writes go on. */
  changedAtLastLook: boolean;
  walSize: number;
  running: Running | null;
  /** Looks at the WAL file each interval: a change starts the worker, a long quiet stops it. */
  watcher: NodeJS.Timeout;
  /** Size and modification time of the WAL at the last look ('' before the first: start-up checkpoints once). */
  walSignature: string;
  quietSince: number;
}

const entries = new Map<string, Entry>();

function startWorker(entry: Entry): Running {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path: entry.path, busyTimeoutMs: entry.busyTimeoutMs, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  const running: Running = {
    worker,
    nextId: 1,
    waiting: new Map(),
    stopping: false,
    exited: new Promise((done) => worker.once('exit', () => done())),
  };
  worker.on('message', (message: { id: number; result: CheckpointResult }) => {
    running.waiting.get(message.id)?.(message.result);
    running.waiting.delete(message.id);
    if (running.waiting.size === 0 && !running.stopping) worker.unref();
  });
  const ended = () => {
    for (const resolveWaiting of running.waiting.values()) resolveWaiting(UNFINISHED);
    running.waiting.clear();
    if (entry.running === running) entry.running = null;
    if (running.stopping || entries.get(entry.path) !== entry) return;
    // Died on its own: the connections checkpoint themselves again, and this file gets no new worker.
    entries.delete(entry.path);
    clearInterval(entry.watcher);
    for (const fallback of entry.onLost) fallback();
  };
  worker.once('error', ended);
  worker.once('exit', ended);
  // A checkpoint in flight must not keep a finished process alive (SQLite checkpoints are crash-safe).
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return running;
}

/** Asks the worker for its last checkpoint and exit; `keepAlive` holds the process until it has exited. */
function stopWorker(running: Running, keepAlive: boolean): Promise<void> {
  running.stopping = true;
  if (keepAlive) running.worker.ref();
  running.worker.postMessage({ type: 'stop' });
  return running.exited;
}

/** The file's worker, started if none runs. */
function workerOf(entry: Entry): Running {
  entry.running ??= startWorker(entry);
  return entry.running;
}

async function lookAtWal(entry: Entry): Promise<void> {
  let signature: string;
  let size = 0;
  try {
    const wal = await stat(`${entry.path}-wal`);
    size = wal.size;
    signature = `${wal.size}:${wal.mtimeMs}`;
  } catch {
    signature = 'absent';
  }
  if (entries.get(entry.path) !== entry) return;
  const now = Date.now();
  if (signature !== entry.walSignature) {
    const lone =
      !entry.changedAtLastLook &&
      entry.walSignature !== '' &&
      size - entry.walSize <= LONE_CHANGE_MAX_BYTES &&
      (entry.running === null || entry.running.stopping);
    entry.walSignature = signature;
    entry.walSize = size;
    entry.changedAtLastLook = true;
    entry.quietSince = now;
    if (lone && checkpointHere(entry)) return;
    if (entry.running?.stopping) await entry.running.exited;
    if (entries.get(entry.path) === entry) workerOf(entry);
    return;
  }
  entry.changedAtLastLook = false;
  const current = entry.running;
  if (current && !current.stopping && current.waiting.size === 0 && now - entry.quietSince >= entry.idleMs) {
    void stopWorker(current, false);
  }
}

/** A PASSIVE checkpoint on one of the file's own open connections; false when none could run it. */
function checkpointHere(entry: Entry): boolean {
  for (const checkpoint of entry.here) {
    if (checkpoint()) return true;
  }
  return false;
}

/**
 * Joins the checkpoint worker of this database file, started when its WAL changes and stopped when it stays
 * quiet; `onLost` runs should the worker die. Null for in-memory databases (no WAL).
 */
function leaseWalCheckpointer(
  file: string,
  onLost: () => void,
  here: () => boolean,
  busyTimeoutMs = 5000,
  idleMs = WORKER_IDLE_MS,
): WalCheckpointLease | null {
  if (file === ':memory:' || file === '') return null;
  const path = resolve(file);
  let entry = entries.get(path);
  if (!entry) {
    const created: Entry = {
      path,
      busyTimeoutMs,
      idleMs,
      leases: 0,
      onLost: new Set(),
      here: new Set(),
      changedAtLastLook: false,
      walSize: 0,
      running: null,
      walSignature: '',
      quietSince: Date.now(),
      watcher: setInterval(() => void lookAtWal(created), CHECKPOINT_INTERVAL_MS),
    };
    created.watcher.unref();
    entries.set(path, created);
    entry = created;
  }
  const held = entry;
  held.leases += 1;
  held.onLost.add(onLost);
  held.here.add(here);
  let released = false;
  return {
    get working() {
      return held.running !== null && !held.running.stopping;
    },
    checkpoint() {
      return new Promise((done) => {
        if (entries.get(path) !== held) return done(UNFINISHED);
        const send = (worker: Running) => {
          const id = worker.nextId++;
          worker.waiting.set(id, done);
          // An awaited answer must keep this thread alive until it comes.
          worker.worker.ref();
          worker.worker.postMessage({ type: 'checkpoint', id });
        };
        const current = held.running;
        if (!current?.stopping) return send(workerOf(held));
        // Stopping for quiet: a new worker once this one has let go.
        void current.exited.then(() =>
          entries.get(path) === held ? send(workerOf(held)) : done(UNFINISHED),
        );
      });
    },
    async release() {
      if (released) return;
      released = true;
      held.onLost.delete(onLost);
      held.here.delete(here);
      held.leases -= 1;
      if (held.leases > 0) return;
      if (entries.get(path) === held) {
        entries.delete(path);
        clearInterval(held.watcher);
      }
      // Callers delete data directories after closing: the worker must have let go of the file by then.
      const current = held.running;
      if (current) await (current.stopping ? current.exited : stopWorker(current, true));
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
  idleMs?: number,
): WalCheckpointLease | null {
  const lease = leaseWalCheckpointer(
    file,
    () => {
      if (db.isOpen) db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    },
    () => {
      if (!db.isOpen) return false;
      try {
        const row = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
        // Another checkpoint or a reader kept some frames back: the worker finishes the job.
        return row !== undefined && Number(row.busy) === 0 && Number(row.checkpointed) === Number(row.log);
      } catch {
        return false;
      }
    },
    busyTimeoutMs,
    idleMs,
  );
  if (lease) db.exec('PRAGMA wal_autocheckpoint = 0');
  return lease;
}
