import { constants, type DatabaseSync } from 'node:sqlite';

/**
 * How many statements SQLite prepares on `db` while `run` goes, after `warmUp`. SQLite asks the authorizer
 * while it prepares a statement, and again whenever it prepares one anew; setting an authorizer expires every
 * statement once, hence the warm-up before counting. Transactions (BEGIN/COMMIT) are prepared by each exec by
 * design and not counted.
 */
export async function preparationsDuring(
  db: DatabaseSync,
  warmUp: () => Promise<unknown>,
  run: () => Promise<unknown>,
): Promise<number> {
  let preparing = 0;
  db.setAuthorizer((action) => {
    if (action !== constants.SQLITE_TRANSACTION) preparing += 1;
    return constants.SQLITE_OK;
  });
  try {
    await warmUp();
    preparing = 0;
    await run();
    return preparing;
  } finally {
    db.setAuthorizer(null);
  }
}
