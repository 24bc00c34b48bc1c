import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../logger.js';
import type { DocumentScope } from '../models/records.js';
import type { Store } from '../store/port.js';
import { IngestError, type IngestFailureReason } from './errors.js';
import type { Ingestion } from './ingest.js';
import { projectFolderProblem, refusedFolderMessage } from './knowledge-folder.js';

/** What one folder sync did; file paths are relative to the folder, with `/` separators. */
export interface FolderSyncSummary {
  added: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
  failed: Array<{
    file: string;
    reason: IngestFailureReason | 'missing_folder' | 'project_folder' | 'error';
    message: string;
  }>;
}

/**
 * `item_<id>__anything.ext` binds a file to listing `<id>` (scope item); every other file is general.
 * Shared by the folder sync and `npm run ask`.
 */
export function scopeFromFileName(path: string): { scope: DocumentScope; itemId: string | null } {
  const name = path.split(/[\\/]/).pop() ?? path;
  const m = /^item_([A-Za-z0-9-]+)__/.exec(name);
  return m ? { scope: 'item', itemId: m[1]! } : { scope: 'general', itemId: null };
}

/** The title a folder file gets: its name without the folder, the `item_<id>__` prefix and the extension. */
export function titleFromFileName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/^item_[A-Za-z0-9-]+__/, '').replace(/\.[^.]+$/, '') || name;
}

/** Office lock files, hidden files and editor leftovers are not documents. */
const ignored = (name: string) => name.startsWith('.') || name.startsWith('~$') || name.endsWith('~');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !relative(dir, p).split(sep).some(ignored))
    .sort();
}

export interface FolderSyncDeps {
  store: Store;
  logger: Logger;
  ingestion: Ingestion;
  maxBytes: number;
}

/**
 * Makes the knowledge base match a folder: new and changed files are ingested (origin `folder`,
 * sourceKey = path relative to the folder), unchanged ones skipped by hash, and documents whose file
 * is gone removed remotely and locally. A missing folder removes nothing (a lost mount must not wipe
 * the knowledge base).
 */
export async function syncFolder(deps: FolderSyncDeps, dir: string): Promise<FolderSyncSummary> {
  const summary: FolderSyncSummary = { added: [], updated: [], unchanged: [], removed: [], failed: [] };
  const problem = projectFolderProblem(dir);
  if (problem) {
    // Nothing read and nothing removed: documents from an earlier, right folder stay.
    deps.logger.warn({ dir }, refusedFolderMessage(problem));
    summary.failed.push({ file: dir, reason: 'project_folder', message: refusedFolderMessage(problem) });
    return summary;
  }
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (err) {
    deps.logger.warn({ dir, err }, 'documents folder is not readable; nothing synced');
    summary.failed.push({ file: dir, reason: 'missing_folder', message: (err as Error).message });
    return summary;
  }
  const present = new Set<string>();
  for (const path of files) {
    const key = relative(dir, path).split(sep).join('/');
    present.add(key);
    try {
      const size = (await stat(path)).size;
      if (size > deps.maxBytes) {
        throw new IngestError('too_large', `${key}: ${(size / 1024 / 1024).toFixed(1)} MB`);
      }
      const result = await deps.ingestion.ingest({
        origin: 'folder',
        sourceKey: key,
        fileName: key,
        title: titleFromFileName(key),
        bytes: await readFile(path),
        ...scopeFromFileName(key),
      });
      summary[result.status].push(key);
    } catch (err) {
      summary.failed.push({
        file: key,
        reason: err instanceof IngestError ? err.reason : 'error',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
  for (const doc of await deps.store.documents.list({ origin: 'folder' })) {
    if (doc.sourceKey === null || present.has(doc.sourceKey)) continue;
    try {
      await deps.ingestion.removeDocument(doc.id);
      summary.removed.push(doc.sourceKey);
    } catch (err) {
      summary.failed.push({
        file: doc.sourceKey,
        reason: 'error',
        message: `not removed: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  deps.logger.info(
    {
      dir,
      added: summary.added.length,
      updated: summary.updated.length,
      unchanged: summary.unchanged.length,
      removed: summary.removed.length,
      failed: summary.failed.length,
    },
    'documents folder synced',
  );
  return summary;
}
