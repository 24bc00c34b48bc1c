import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';

/** Thrown for bad flags; `message` is meant for the user as is (one line per problem). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A port flag: 0 to 65535 (0 = a free one). */
export const portFlag = (flag: string) => {
  const error = `${flag}: expected a port from 0 to 65535`;
  return z.coerce.number({ error }).int({ error }).min(0, { error }).max(65535, { error });
};

/** A string flag may arrive empty (`--data-dir=`): treat blank as not given. */
export const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** `parseArgs` (negatable booleans) whose failures are {@link UsageError}s. */
export function readFlags(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], allowNegative: true, options }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Validates the read flags against `schema`; every problem becomes a line of one {@link UsageError}. */
export function checkFlags<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('\n'));
  return parsed.data;
}

/** Fixed ports (not 0) must differ. */
export function assertDistinctPorts(ports: Record<string, number>, who: string): void {
  const fixed = Object.values(ports).filter((p) => p !== 0);
  if (new Set(fixed).size !== fixed.length) {
    throw new UsageError(`${who} need different ports, got ${fixed.join(', ')}`);
  }
}
