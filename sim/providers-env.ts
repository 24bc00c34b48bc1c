import type { AnthropicSim } from './anthropic/index.js';
import type { GeminiSim } from './gemini/index.js';
import type { OpenAISim } from './openai/index.js';

/**
 * The environment that points the service's model providers at running simulators, with
 * LLM_PROVIDERS listing the given ones in `order` (default: gemini, openai, anthropic). Meant to be
 * merged into `serviceEnvFor` (sim/env.ts) by `npm run sim`: `{ ...serviceEnvFor(sims), ...providerEnvFor(sims) }`.
 */
export function providerEnvFor(
  sims: { gemini?: GeminiSim; openai?: OpenAISim; anthropic?: AnthropicSim },
  order: ReadonlyArray<'gemini' | 'openai' | 'anthropic'> = ['gemini', 'openai', 'anthropic'],
): Record<string, string> {
  const { gemini, openai, anthropic } = sims;
  const providers = order.filter((p) => sims[p] !== undefined);
  return {
    ...(gemini ? { GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url } : {}),
    ...(openai ? openai.env() : {}),
    ...(anthropic ? anthropic.env() : {}),
    ...(providers.length > 0 ? { LLM_PROVIDERS: providers.join(',') } : {}),
  };
}
