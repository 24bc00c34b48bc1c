/**
 * SQLite primary result codes (the low byte of node:sqlite's `errcode`) that say the storage itself is failing
 * (full, I/O error, locked by another connection, read-only, damaged), as opposed to a bad statement or a
 * constraint: BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB.
 */
const SQLITE_STORAGE_CODES = new Set([5, 6, 8, 10, 11, 13, 14, 15, 26]);

/** MongoDB driver errors that mean the database cannot be reached or did not take the write. */
const MONGO_STORAGE_ERRORS = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoWriteConcernError',
]);

/**
 * Whether `err` (or its cause) is the storage failing rather than the request: a full disk, an I/O error, a
 * database locked or out of reach. Such a failure is temporary for the caller: answer "retry later" (503), retry
 * the job, tell the owner; never treat the input as bad.
 */
export function isStorageFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth += 1) {
    const { code, errcode, name } = e as { code?: unknown; errcode?: unknown; name?: unknown };
    if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number')
      return SQLITE_STORAGE_CODES.has(errcode & 0xff);
    if (typeof name === 'string' && MONGO_STORAGE_ERRORS.has(name)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
