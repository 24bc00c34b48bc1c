import { GoogleGenAI } from '@google/genai';
import type { Config } from '../../config.js';

/**
 * The SDK client with the API version pinned (3.x defaults to `v1`; File Search is documented on
 * `v1beta`) and the base URL and per-attempt timeout from configuration. Makes no request.
 */
export function createGenAI(gemini: Config['gemini'], timeoutMs: number): GoogleGenAI {
  if (!gemini.apiKey) throw new Error('createGenAI: GEMINI_API_KEY is not set; use the local index instead.');
  return new GoogleGenAI({
    apiKey: gemini.apiKey,
    apiVersion: 'v1beta',
    httpOptions: { ...(gemini.baseUrl ? { baseUrl: gemini.baseUrl } : {}), timeout: timeoutMs },
  });
}
