import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import ts from 'typescript';

const NOT_LATIN1 = /[^\u0000-\u00ff]/u;
const NON_ASCII = /[^\u0000-\u007f]/gu;

/**
 * `\uXXXX` for each UTF-16 unit of a character: beyond the BMP a surrogate pair, which a pattern with the u or v
 * flag reads as the one character, as it does the character itself.
 */
function escapeChar(char: string): string {
  return char
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');
}

/**
 * The source with every non-ASCII character of its regular expression literals, and of its `String.raw`
 * templates (in this code base: pieces of patterns for `new RegExp`), written as an escape.
 */
export function escapeRegExpLiterals(fileName: string, source: string): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const escape = (start: number, end: number) => {
    const literal = source.slice(start, end);
    const text = literal.replace(NON_ASCII, escapeChar);
    if (text !== literal) edits.push({ start, end, text });
  };
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      escape(node.getStart(file), node.end);
    } else if (ts.isTaggedTemplateExpression(node) && node.tag.getText(file) === 'String.raw') {
      escape(node.template.getStart(file), node.template.end);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const edit of edits.reverse()) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/**
 * esbuild writes non-ASCII characters of strings as escapes but leaves regular expression literals as they are;
 * one Cyrillic letter in a `/…/u` makes V8 keep the whole output file's source as a two-byte string, twice
 * its size in the heap. This writes them as `\uXXXX` in our sources before esbuild reads them (same pattern,
 * same matches; lines do not move, so the source map still points at the right lines).
 */
export const asciiRegExps: Plugin = {
  name: 'ascii-regexps',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!NOT_LATIN1.test(source)) return undefined;
      return { contents: escapeRegExpLiterals(path, source), loader: 'ts' };
    });
  },
};
