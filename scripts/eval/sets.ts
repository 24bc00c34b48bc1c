import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { titleFromFileName } from '../../src/rag/folder-sync.js';
import { listingDocumentText, listingDocumentTitle } from '../../src/rag/listing-document.js';
import { loadExampleListings } from '../demo/examples.js';
import { storedListing } from '../ask/listings-file.js';

/** `examples/eval/`: one folder per question set. */
export const EVAL_DIR = fileURLToPath(new URL('../../examples/eval/', import.meta.url));

const ESCALATION_REASONS = [
  'human_request',
  'callback',
  'complaint',
  'wrong_item',
  'refund',
  'bargaining',
  'threat',
  'keyword',
] as const;

/** One labelled buyer question: a line of `questions.jsonl`. */
export const LabelledQuestion = z
  .object({
    id: z.string().min(1),
    q: z.string().min(1),
    item: z.string().regex(/^\d+$/).nullable(),
    expect: z.enum(['answer', 'unanswerable', 'escalate']),
    /** For `answer`: phrases of the passage(s) that answer it, as written in the documents. */
    source: z.array(z.string().min(3)).min(1).optional(),
    /** For `escalate`: why a person is needed. */
    reason: z.enum(ESCALATION_REASONS).optional(),
    note: z.string().optional(),
  })
  .refine((l) => (l.expect === 'answer') === (l.source !== undefined), {
    error: '`source` is required for `answer` and only there',
  })
  .refine((l) => (l.expect === 'escalate') === (l.reason !== undefined), {
    error: '`reason` is required for `escalate` and only there',
  });
export type LabelledQuestion = z.infer<typeof LabelledQuestion>;

const share = z.number().min(0).max(1);

const SetInfo = z.strictObject({
  /** `tuning`: the set the rules were adjusted on; `held-out`: written before the rules it was first run on. */
  role: z.enum(['tuning', 'held-out']),
  description: z.string().min(1),
  /**
   * The commit at which a held-out set was first run. From then on it is seen: its misses may have been
   * studied, so its figures no longer estimate an unseen set, and `--check` holds it to its floor instead.
   */
  seen: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/)
    .optional(),
  /** Figures the set must keep (what it reached when last recorded): `--check` fails below them. */
  floor: z
    .strictObject({
      hitAt3: share.optional(),
      fallbackOnUnanswerable: share.optional(),
      escalationRecall: share.optional(),
      escalationPrecision: share.optional(),
    })
    .optional(),
});
export type SetInfo = z.infer<typeof SetInfo>;

/** A document the answers may rest on, by the title its sources carry. */
export interface SetDocument {
  title: string;
  text: string;
}

export interface EvalSet {
  name: string;
  dir: string;
  role: 'tuning' | 'held-out';
  description: string;
  seen?: string;
  floor?: SetInfo['floor'];
  docsDir: string;
  listingsFile: string | null;
  questionsFile: string;
  questions: LabelledQuestion[];
  /** The folder's documents and the listings' item documents. */
  documents: SetDocument[];
}

/** Lower case, `ё` folded, spaces (also non-breaking) collapsed: how quotes are found in documents. */
export const normalizeText = (text: string) =>
  text.toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ').trim();

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The sets under `root`: every folder with a `questions.jsonl`. */
export async function findSets(root = EVAL_DIR): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    if (await stat(join(dir, 'questions.jsonl')).catch(() => null)) out.push(dir);
  }
  return out.sort();
}

/**
 * Reads and checks one set: `set.json`, `docs/`, `listings.json` (optional) and `questions.jsonl`. Every
 * expected phrase must be found in one of its documents, so a label cannot silently point at nothing.
 */
export async function loadSet(dirOrName: string, root = EVAL_DIR): Promise<EvalSet> {
  const dir = /[\\/]/.test(dirOrName) ? resolve(dirOrName) : join(root, dirOrName);
  const name = dir.split(sep).filter(Boolean).pop() ?? dir;
  const problems: string[] = [];
  const info = SetInfo.parse(JSON.parse(await readFile(join(dir, 'set.json'), 'utf8')));
  const docsDir = join(dir, 'docs');
  const documents: SetDocument[] = [];
  for (const file of await listFiles(docsDir)) {
    const key = relative(docsDir, file).split(sep).join('/');
    if (!/\.(md|txt)$/i.test(key)) {
      problems.push(`${key}: only .md and .txt documents can be checked against the labels`);
      continue;
    }
    documents.push({ title: titleFromFileName(key), text: await readFile(file, 'utf8') });
  }
  const listingsFile = join(dir, 'listings.json');
  const hasListings = Boolean(await stat(listingsFile).catch(() => null));
  if (hasListings) {
    for (const input of await loadExampleListings(listingsFile)) {
      const listing = storedListing(input, new Date(0));
      documents.push({ title: listingDocumentTitle(listing), text: listingDocumentText(listing) });
    }
  }
  const questionsFile = join(dir, 'questions.jsonl');
  const questions: LabelledQuestion[] = [];
  const ids = new Set<string>();
  const lines = (await readFile(questionsFile, 'utf8')).split('\n');
  for (const [n, line] of lines.entries()) {
    if (!line.trim()) continue;
    const parsed = LabelledQuestion.safeParse(JSON.parse(line));
    if (!parsed.success) {
      problems.push(`questions.jsonl:${n + 1}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      continue;
    }
    const q = parsed.data;
    if (ids.has(q.id)) problems.push(`questions.jsonl:${n + 1}: duplicate id ${q.id}`);
    ids.add(q.id);
    for (const phrase of q.source ?? []) {
      if (!documents.some((d) => normalizeText(d.text).includes(normalizeText(phrase)))) {
        problems.push(`questions.jsonl:${n + 1} (${q.id}): «${phrase}» is in no document of the set`);
      }
    }
    questions.push(q);
  }
  if (problems.length > 0) throw new Error(`${dir} is not a valid question set:\n  ${problems.join('\n  ')}`);
  return {
    name,
    dir,
    ...info,
    docsDir,
    listingsFile: hasListings ? listingsFile : null,
    questionsFile,
    questions,
    documents,
  };
}
