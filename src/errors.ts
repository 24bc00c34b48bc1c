/**
 * The one error type for failures the service itself raises. `isCatastrophic` marks errors after which
 * the process cannot be trusted (lost store, broken invariants): the central handler then shuts down.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { cause?: unknown; isCatastrophic?: boolean; httpStatus?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
  }

  get isCatastrophic(): boolean {
    return this.options.isCatastrophic ?? false;
  }

  get httpStatus(): number {
    return this.options.httpStatus ?? 500;
  }
}

/** A short, single-line description of any thrown value, for logs and owner messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
