/**
 * The seller's documents folder (`DOCS_DIR`, default {@link DEFAULT_DOCS_DIR}). It holds only the seller's
 * files: the project's own folders (its documentation, sources, tests…) are never read into the knowledge
 * base, or a buyer could be quoted the security audit.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DOCS_DIR } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';

/** Top-level folders of this project that hold its own files, never the seller's. */
const PROJECT_FOLDERS = [
  '.ci',
  '.git',
  '.github',
  'bench',
  'deploy',
  'dist',
  'docs',
  'node_modules',
  'scripts',
  'sim',
  'src',
  'test',
];

/** The folder of this project's package.json (found upwards from this file, in `src/` or `dist/src/`). */
function findProjectRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'avito-responder')
          return dir;
      } catch {
        // Not ours or unreadable: keep looking upwards.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const PROJECT_ROOT = findProjectRoot();

/** The path with symlinks resolved as far as it exists (a folder may not exist yet). */
function realish(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realish(parent), relative(parent, absolute));
  }
}

/**
 * Why `dir` must not be read as the seller's knowledge, or undefined when it may: it is this project's root or
 * a folder above it (reading it would take everything in), or one of the project's own folders or inside one.
 */
export function projectFolderProblem(
  dir: string,
  root: string | undefined = PROJECT_ROOT,
): string | undefined {
  if (!root) return undefined;
  const target = realish(dir);
  const project = realish(root);
  const fromTarget = relative(target, project);
  if (fromTarget === '' || (!fromTarget.startsWith('..') && !isAbsolute(fromTarget)))
    return `${target} holds the avito-responder project itself`;
  const inside = relative(project, target).split(sep);
  if (inside[0] && inside[0] !== '..' && PROJECT_FOLDERS.includes(inside[0]))
    return `${target} is the project's own ${inside[0]}/ folder, not the seller's documents`;
  return undefined;
}

/** The message a refused folder gets in logs, `npm run sync-docs` and `npm run ask`. */
export function refusedFolderMessage(problem: string): string {
  return `documents folder refused: ${problem}. Set DOCS_DIR to a folder with only your documents (default ${DEFAULT_DOCS_DIR}).`;
}

/**
 * At start-up: creates a missing folder on a first run (no folder documents yet), so the seller finds where
 * to put files. A folder missing after documents came from it is left alone, and the sync keeps them: it may
 * be a lost mount. A refused folder is not touched (the sync says why it is refused).
 */
export async function prepareKnowledgeFolder(deps: {
  dir: string;
  store: Store;
  logger: Logger;
}): Promise<void> {
  const { dir, logger } = deps;
  if (projectFolderProblem(dir) || existsSync(dir)) return;
  if ((await deps.store.documents.list({ origin: 'folder' })).length > 0) return;
  try {
    await mkdir(dir, { recursive: true });
    logger.info({ dir }, 'documents folder created: put the documents buyers may be told about here');
  } catch (err) {
    logger.warn({ dir, err }, 'documents folder is missing and could not be created');
  }
}
