/**
 * `npm run ask -- [--docs DIR] [--listings FILE] [--item ID] [--json] "question"` — answers a question from
 * a folder of documents exactly as the service would (the providers of LLM_PROVIDERS, else the local
 * index), in a throwaway store. `--listings FILE` (the shape of `examples/listings.json`) adds the listings
 * as the listings sync would: each one's item document, and its title and price for questions about it.
 * `--batch FILE` reads JSON lines {"id","q","item"} (other fields are ignored) and prints one decision per
 * line. Diagnostics go to stderr; stdout carries only the answer(s).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { type Config, loadConfig, loadDotEnv } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { readFindings } from '../../src/rag/findings.js';
import { createGenAI } from '../../src/rag/gemini/client.js';
import { STORE_KV_KEY } from '../../src/rag/gemini/file-search.js';
import { createKnowledge, type Decision } from '../../src/rag/index.js';
import { formatRub } from '../../src/rag/listing-document.js';
import type { Listing, ListingFacts } from '../../src/models/records.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { readListingsFile, storedListing } from './listings-file.js';

const USAGE =
  'usage: npm run ask -- [--docs DIR] [--listings FILE] [--item ID] [--json] "question"  |  --batch FILE';

const argsSchema = z
  .object({
    docs: z.string().min(1).optional(),
    listings: z.string().min(1).optional(),
    item: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { error: '--item expects a listing id' })
      .optional(),
    json: z.boolean(),
    batch: z.string().min(1).optional(),
    question: z.string().trim().optional(),
  })
  .refine((a) => Boolean(a.batch) !== Boolean(a.question), { error: 'give one question or --batch FILE' });

function parseArgs(argv: string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, unknown> = { json: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') raw.json = true;
    else if (a === '--docs' || a === '--listings' || a === '--item' || a === '--batch')
      raw[a.slice(2)] = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    } else words.push(a);
  }
  if (words.length > 0) raw.question = words.join(' ');
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => i.message).join('; ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return parsed.data;
}

const batchLine = z.object({
  id: z.union([z.string(), z.number()]),
  q: z.string().min(1),
  item: z.union([z.string(), z.number()]).nullish(),
});

/** The stable JSON shape of one decision. */
function decisionJson(d: Decision) {
  return {
    decision: d.kind,
    text: d.kind === 'escalate' ? null : d.text,
    sources:
      d.kind === 'escalate'
        ? []
        : d.sources.map((s) => ({ title: s.title, doc_id: s.docId, item_id: s.itemId, snippet: s.snippet })),
    grounded: d.kind === 'answer' ? d.grounded : false,
    strategy: d.kind === 'answer' ? d.strategy : 'none',
    escalation_reason: d.kind === 'escalate' ? d.reason : null,
    provider: d.kind === 'escalate' ? null : (d.provider ?? null),
    model: d.kind === 'escalate' ? null : (d.model ?? null),
  };
}

function readable(d: Decision): string {
  if (d.kind === 'escalate') return `→ escalate to the owner (${d.reason}): «${d.matched}»\n`;
  const by = d.provider ? ` by ${d.provider} ${d.model ?? ''}`.trimEnd() : '';
  const found = d.kind === 'answer' ? readFindings(d.findings) : null;
  const why = found
    ? [
        ...(found.facts.length ? [`not in the sources: ${found.facts.join(', ')}`] : []),
        ...found.unsupported.map((s) => `unsupported: «${s}»`),
        ...found.unanswered.map((q) => `unanswered: «${q}»`),
      ].join('; ')
    : '';
  const head =
    d.kind === 'answer'
      ? `→ answer [${d.strategy}]${by} ${d.grounded ? 'grounded' : `NOT grounded — ${why}`}`
      : `→ fallback (${d.reason})${by}${d.detail ? `: ${d.detail}` : ''}`;
  const sources = d.sources.map(
    (s) => `  · ${s.title}${s.itemId ? ` [item ${s.itemId}]` : ''}: ${s.snippet ?? ''}`,
  );
  return [head, '', d.text, ...(sources.length ? ['', 'Sources:', ...sources] : []), ''].join('\n');
}

/** Listings as the listings sync stores them, and the facts a chat about each carries (as Avito gives them). */
async function readListings(file: string): Promise<Map<string, { listing: Listing; facts: ListingFacts }>> {
  const out = new Map<string, { listing: Listing; facts: ListingFacts }>();
  for (const input of await readListingsFile(resolve(file))) {
    const listing = storedListing(input);
    const price = listing.price === null ? null : formatRub(listing.price);
    out.set(listing.id, { listing, facts: { title: listing.title, price, url: listing.url } });
  }
  return out;
}

async function dropRemoteStore(config: Config, store: Store): Promise<void> {
  const name = await store.kv.get<string>(STORE_KV_KEY);
  if (!config.gemini.apiKey || typeof name !== 'string') return;
  const ai = await createGenAI(config.gemini, 15_000)();
  await ai.fileSearchStores.delete({ name, config: { force: true } });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  loadDotEnv();
  const base = loadConfig(process.env);
  // Never upload into the service's own File Search store: ask works in a store of its own, dropped after.
  const config: Config = {
    ...base,
    docsDir: args.docs ? resolve(args.docs) : base.docsDir,
    gemini: { ...base.gemini, fileSearchStore: undefined },
  };
  const logger = createLogger({
    level: process.env.LOG_LEVEL ? config.logLevel : 'warn',
    destination: pino.destination(2),
  });
  const dir = await mkdtemp(join(tmpdir(), 'avito-ask-'));
  const store = openSqliteStore({ path: join(dir, 'ask.sqlite') });
  try {
    const knowledge = createKnowledge({ config, store, logger });
    const how =
      knowledge.providers.length === 0
        ? 'local index, no model'
        : `${knowledge.providers.join(' → ')}${knowledge.embeddings ? `, vectors ${knowledge.embeddings}` : ''}`;
    process.stderr.write(`Loading ${config.docsDir} (${how})…\n`);
    const summary = await knowledge.syncFolder();
    const refused = summary.failed.find((f) => f.reason === 'project_folder');
    if (refused) {
      process.stderr.write(`npm run ask: ${refused.message}\n`);
      process.exitCode = 2;
      return;
    }
    const loaded = summary.added.length + summary.updated.length + summary.unchanged.length;
    process.stderr.write(`${loaded} document(s) loaded.\n`);
    for (const f of summary.failed) process.stderr.write(`  ! ${f.file}: ${f.message}\n`);
    const listings = args.listings ? await readListings(args.listings) : new Map();
    for (const { listing } of listings.values()) await knowledge.ingestListing(listing);
    if (listings.size > 0) process.stderr.write(`${listings.size} listing(s) loaded.\n`);
    if (loaded === 0)
      process.stderr.write(
        `No documents in ${config.docsDir}: put your files there (or try --docs examples/docs).\n`,
      );

    const ask = (question: string, item: string | null) =>
      knowledge.answer({
        questions: [question],
        history: [{ author: 'buyer', text: question }],
        listing: item
          ? { itemId: item, ...(listings.get(item)?.facts ?? { title: '', price: null, url: null }) }
          : null,
        locale: config.locale,
      });

    if (args.batch) {
      const lines = (await readFile(args.batch, 'utf8')).split('\n').filter((l) => l.trim());
      for (const [n, line] of lines.entries()) {
        let parsed: z.infer<typeof batchLine>;
        try {
          parsed = batchLine.parse(JSON.parse(line));
        } catch (err) {
          process.stderr.write(`line ${n + 1}: ${(err as Error).message}\n`);
          process.stdout.write(
            `${JSON.stringify({ id: null, error: `line ${n + 1} is not {"id","q","item"}` })}\n`,
          );
          continue;
        }
        const item = parsed.item === null || parsed.item === undefined ? null : String(parsed.item);
        const decision = await ask(parsed.q, item);
        process.stdout.write(`${JSON.stringify({ id: parsed.id, ...decisionJson(decision) })}\n`);
      }
    } else {
      const decision = await ask(args.question!, args.item ?? null);
      process.stdout.write(args.json ? `${JSON.stringify(decisionJson(decision))}\n` : readable(decision));
    }
  } finally {
    await dropRemoteStore(config, store).catch((err: unknown) =>
      process.stderr.write(`could not delete the temporary File Search store: ${(err as Error).message}\n`),
    );
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
