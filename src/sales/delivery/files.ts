import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The rendered PDFs, one file per document under `DATA_DIR/documents/`: kept on disk rather than in the store
 * (a PDF may be megabytes; SQLite's kv keeps expired rows, Mongo's documents have a 16 MB limit), for as long
 * as a link to them may live. Names are the documents' random ids, never a number or a buyer's name.
 */
export interface PdfFiles {
  write(id: string, pdf: Uint8Array): Promise<void>;
  read(id: string): Promise<Uint8Array | null>;
  /** Restarts the file's retention (a link was just issued for it). */
  touch(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Removes files untouched for `maxAgeMs`; returns how many. */
  sweep(maxAgeMs: number, now: Date): Promise<number>;
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;

export function createPdfFiles(dir: string): PdfFiles {
  const path = (id: string) => {
    if (!ID.test(id)) throw new Error(`not a document id: ${id}`);
    return join(dir, `${id}.pdf`);
  };
  return {
    async write(id, pdf) {
      await mkdir(dir, { recursive: true });
      await writeFile(path(id), pdf, { mode: 0o600 });
    },
    async read(id) {
      try {
        return new Uint8Array(await readFile(path(id)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async touch(id) {
      const now = new Date();
      await utimes(path(id), now, now).catch(() => {});
    },
    async remove(id) {
      await rm(path(id), { force: true });
    },
    async sweep(maxAgeMs, now) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      let removed = 0;
      for (const name of names.filter((n) => n.endsWith('.pdf'))) {
        const file = join(dir, name);
        const info = await stat(file).catch(() => null);
        if (info && now.getTime() - info.mtimeMs > maxAgeMs) {
          await rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}
