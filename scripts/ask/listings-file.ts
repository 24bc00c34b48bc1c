import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ListingInput } from '../../sim/avito/index.js';
import type { Listing } from '../../src/models/records.js';

/**
 * A listings file (the shape of `examples/listings.json`): read by `npm run ask --listings`, the eval and the
 * demo. It lives beside `ask` because `ask` ships in the image and the demo does not.
 */
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

/** Reads and checks a listings file; the message names the file and the problem. */
export async function readListingsFile(file: string): Promise<ListingInput[]> {
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
