import type { JsonAnswer } from './port.js';

/**
 * The schema as words, for providers whose JSON mode takes no schema (OpenAI-compatible `json_object`, which
 * every gateway speaks, unlike `json_schema`; Anthropic, which has no JSON mode). It also carries the word
 * "JSON" that OpenAI's `json_object` mode requires in the messages.
 */
export function jsonInstruction(system: string, json: JsonAnswer): string {
  return (
    `${system}\n\nAnswer with one JSON object only (no prose, no code fence) that matches this JSON Schema:\n` +
    JSON.stringify(json.schema)
  );
}

/** The JSON object in a model's text: a code fence or words around it are dropped. */
export function jsonText(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text.trim();
}
