import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { httpFailure, transportFailure } from './failures.js';
import { jsonInstruction, jsonText } from './json.js';
import type { ChatTurn, ModelAdapter, ModelFailure } from './port.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Answers are 1–3 sentences; this only bounds a runaway reply (the Messages API requires a limit). */
export const ANTHROPIC_MAX_TOKENS = 1024;

/**
 * The official client with the key and base URL from configuration (the SDK reads nothing from the
 * environment then) and its own retries off: the router retries and falls back.
 */
export function createAnthropicClient(anthropic: Config['anthropic'], timeoutMs: number): Anthropic {
  if (!anthropic.apiKey) throw new Error('createAnthropicClient: ANTHROPIC_API_KEY is not set.');
  return new Anthropic({
    apiKey: anthropic.apiKey,
    baseURL: anthropic.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
    timeout: timeoutMs,
    maxRetries: 0,
  });
}

const messageSchema = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
});

/** A spend limit or an empty balance: Anthropic says so in a 400, a 402 or a 429 without retry-after. */
const OUT_OF_CREDITS = /credit balance|spend limit|billing/i;

/** An Anthropic SDK error in the router's terms (529 overloaded is `unavailable`, retried). */
export function classifyAnthropic(err: unknown): ModelFailure {
  if (err instanceof APIError && err.status !== undefined) {
    const message = err.apiMessage ?? err.message.replace(/^\d{3}\s+/, '');
    const outOfQuota =
      err.type === 'billing_error' ||
      err.errorCode === 'enforced_spend_limit_reached' ||
      ((err.status === 400 || err.status === 429) && OUT_OF_CREDITS.test(message));
    return httpFailure({ status: err.status, message, headers: err.headers, outOfQuota });
  }
  return transportFailure(err);
}

/** The Messages API wants the conversation to open with the buyer: the seller's earlier words are dropped. */
function messages(turns: readonly ChatTurn[]) {
  const first = turns.findIndex((t) => t.role === 'user');
  return turns.slice(Math.max(0, first)).map((t) => ({ role: t.role, content: t.text }));
}

/**
 * Claude through the Messages API: the passages from the local index are in `system` (see
 * `buildSystemInstruction`), the chat follows as user/assistant messages. No temperature: the current
 * API version (the SDK's `anthropic-version`) no longer takes sampling parameters. A JSON answer is asked by
 * the schema in `system` (the Messages API has no JSON mode), and the object is taken out of the text.
 */
export function anthropicAdapter(deps: { client: Anthropic; models: readonly string[] }): ModelAdapter {
  return {
    provider: 'anthropic',
    models: deps.models,
    retrievesItself: false,
    classify: classifyAnthropic,
    async generate(call, passages) {
      const raw: unknown = await deps.client.messages.create(
        {
          model: call.model,
          max_tokens: ANTHROPIC_MAX_TOKENS,
          system: call.json ? jsonInstruction(call.system, call.json) : call.system,
          messages: messages(call.turns),
        },
        { signal: call.signal },
      );
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`unexpected message: ${parsed.error.message}`);
      const text = parsed.data.content
        .filter((b) => b.type === 'text')
        .map((b) => b.text ?? '')
        .join('');
      return {
        text: call.json ? jsonText(text) : text.trim(),
        passages: [...passages],
        cited: [],
        finishReason: parsed.data.stop_reason ?? undefined,
      };
    },
  };
}
