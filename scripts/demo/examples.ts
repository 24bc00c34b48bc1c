import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ListingInput } from '../../sim/avito/index.js';
import type { Listing } from '../../src/models/records.js';

/** `examples/` at the repository root. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** The sample knowledge base: general documents plus `item_<id>__*.md` bound to one listing. */
export const EXAMPLE_DOCS_DIR = fileURLToPath(new URL('../../examples/docs/', import.meta.url));

/** The sample sales configuration (price list, requisites, documents). */
export const EXAMPLE_SALES_CONFIG = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));

/** The sample listings seeded into the Avito simulator. */
export const EXAMPLE_LISTINGS_FILE = fileURLToPath(new URL('../../examples/listings.json', import.meta.url));

const ListingsFile = z
  .array(
    z.object({
      // Real Avito item ids are above 2^31: keep them as safe integers, never int32.
      id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      title: z.string().min(1),
      /** Rubles; null = "Цена не указана". */
      price: z.number().int().nonnegative().nullable(),
      url: z.url().optional(),
      address: z.string().min(1).optional(),
      category: z.object({ id: z.number().int(), name: z.string().min(1) }).optional(),
    }),
  )
  .min(1);

/** Reads and checks `examples/listings.json` (or `file`); the message names the file and the problem. */
export async function loadExampleListings(file = EXAMPLE_LISTINGS_FILE): Promise<ListingInput[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const parsed = ListingsFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file} is not a valid list of listings:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** A sample listing as the listings sync stores it (status active), for `npm run ask --listings` and the eval. */
export function storedListing(input: ListingInput, syncedAt = new Date()): Listing {
  if (input.id === undefined) throw new Error(`listing «${input.title}» has no id`);
  return {
    id: String(input.id),
    title: input.title,
    price: input.price ?? null,
    url: input.url ?? null,
    status: 'active',
    category: input.category?.name ?? null,
    address: input.address ?? null,
    syncedAt,
  };
}
