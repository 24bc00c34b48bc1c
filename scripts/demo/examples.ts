import { fileURLToPath } from 'node:url';
import type { ListingInput } from '../../sim/avito/index.js';
import { readListingsFile } from '../ask/listings-file.js';

/** `examples/` at the repository root. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** The sample knowledge base: general documents plus `item_<id>__*.md` bound to one listing. */
export const EXAMPLE_DOCS_DIR = fileURLToPath(new URL('../../examples/docs/', import.meta.url));

/** The sample sales configuration (price list, requisites, documents). */
export const EXAMPLE_SALES_CONFIG = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));

/** The sample listings seeded into the Avito simulator. */
export const EXAMPLE_LISTINGS_FILE = fileURLToPath(new URL('../../examples/listings.json', import.meta.url));

/** Reads and checks `examples/listings.json` (or `file`). */
export function loadExampleListings(file = EXAMPLE_LISTINGS_FILE): Promise<ListingInput[]> {
  return readListingsFile(file);
}
