/**
 * Preloaded into the service (`--import`, after tsx) by the disk-full fault scenario: every SQLite connection it
 * opens on a file may not grow that file past `SQLITE_PAGE_CAP` pages (SQLite's own `PRAGMA max_page_count`).
 * Once another connection fills the file to the cap, each write of the service that needs a new page fails with
 * "database or disk is full", exactly as on a full disk; a VACUUM that shrinks the file gives the space back.
 * The service's code is unchanged: `node:sqlite` is swapped for this module, whose DatabaseSync sets the cap.
 */
import { registerHooks } from 'node:module';
import * as sqlite from 'node:sqlite';

export * from 'node:sqlite';

const cap = Number(process.env.SQLITE_PAGE_CAP);

export class DatabaseSync extends sqlite.DatabaseSync {
  constructor(...args: ConstructorParameters<typeof sqlite.DatabaseSync>) {
    super(...args);
    const [path] = args;
    if (cap > 0 && typeof path === 'string' && path !== ':memory:' && this.isOpen)
      this.exec(`PRAGMA max_page_count = ${cap}`);
  }
}

const self = import.meta.url;
registerHooks({
  resolve(specifier, context, next) {
    if ((specifier === 'node:sqlite' || specifier === 'sqlite') && context.parentURL !== self)
      return { url: self, shortCircuit: true };
    return next(specifier, context);
  },
});
