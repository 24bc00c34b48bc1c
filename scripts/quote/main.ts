/**
 * `npm run quote -- [--config FILE] [--json] <product-id> [option=value …] [qty=N] [discount=…]` —
 * prices one product from the sales configuration (SALES_CONFIG, default ./sales.yaml) exactly as the
 * service will: lines, subtotal, discount, VAT, total. `--json` prints amounts as decimal strings.
 * Exit codes: 0 priced; 1 the configuration is unusable; 2 a bad request (unknown product or option).
 */
import { ConfigError, loadConfig, loadDotEnv } from '../../src/config.js';
import {
  calculateQuote,
  loadSalesConfig,
  orderFromWords,
  QuoteError,
  quoteJson,
  quoteText,
  SalesConfigError,
} from '../../src/sales/index.js';

const USAGE =
  'usage: npm run quote -- [--config FILE] [--json] <product-id> [option=value …] [qty=N] [discount=ID|N%|AMOUNT]';

function parseArgs(argv: string[]): { config: string | undefined; json: boolean; words: string[] } {
  const out = { config: undefined as string | undefined, json: false, words: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--config') {
      const value = argv[++i];
      if (!value) throw new QuoteError('bad_value', '--config expects a file');
      out.config = value;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a.startsWith('--')) throw new QuoteError('bad_value', `unknown flag ${a}`);
    else out.words.push(a);
  }
  return out;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig(process.env);
  const sales = await loadSalesConfig(args.config ?? config.sales.configPath);
  try {
    const order = orderFromWords(sales.priceList, args.words);
    const { locale } = config;
    const quote = calculateQuote(sales.priceList, order, {
      now: new Date(),
      timeZone: sales.timeZone,
      locale,
    });
    process.stdout.write(args.json ? `${JSON.stringify(quoteJson(quote))}\n` : quoteText(quote, locale));
    return 0;
  } catch (err) {
    if (!(err instanceof QuoteError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof SalesConfigError || err instanceof ConfigError;
    process.stderr.write(`${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
