import type { GoogleGenAI } from '@google/genai';
import type { Config } from '../../config.js';

/**
 * The Gemini SDK client, made on first use: `@google/genai` costs some 30 MB, which a service that does not
 * ask Gemini (or not yet) should not carry.
 */
export type GenAI = () => Promise<GoogleGenAI>;

/**
 * The SDK client with the API version pinned (3.x defaults to `v1`; File Search is documented on
 * `v1beta`) and the base URL and per-attempt timeout from configuration. Makes no request.
 */
export function createGenAI(gemini: Config['gemini'], timeoutMs: number): GenAI {
  const apiKey = gemini.apiKey;
  if (!apiKey) throw new Error('createGenAI: GEMINI_API_KEY is not set; use the local index instead.');
  let client: Promise<GoogleGenAI> | undefined;
  return () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey,
          apiVersion: 'v1beta',
          httpOptions: { ...(gemini.baseUrl ? { baseUrl: gemini.baseUrl } : {}), timeout: timeoutMs },
        }),
    ));
}
