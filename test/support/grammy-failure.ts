import { GrammyError } from 'grammy';

/** The GrammyError a call rejects with (fails the test when the call succeeds or fails otherwise). */
export async function grammyFailure(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
