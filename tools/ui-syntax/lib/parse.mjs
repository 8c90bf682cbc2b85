// Loads the tree-sitter grammars (prebuilt wasm from npm: no compiler, no download at run time)
// and lists the syntax errors of a source text.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { Language, Parser } from 'web-tree-sitter';
import { maskGaps } from './gaps.mjs';

const require = createRequire(import.meta.url);

/** The grammar for a file, by its name. */
export function languageOf(file) {
  if (/\.kts?$/.test(file)) return 'kotlin';
  if (/\.swift$/.test(file)) return 'swift';
  return null;
}

const WASM = {
  kotlin: 'tree-sitter-wasms/out/tree-sitter-kotlin.wasm',
  swift: 'tree-sitter-wasms/out/tree-sitter-swift.wasm',
};

let ready = null;

/** Parsers for both languages, made once. */
export function parsers() {
  ready ??= (async () => {
    // V8's optimising compiler spends ~10 s of CPU on the grammars' huge parse-table functions
    // for no gain on a few hundred files; the baseline compiler parses them all in about a second.
    v8.setFlagsFromString('--liftoff-only');
    await Parser.init();
    const out = {};
    for (const [lang, path] of Object.entries(WASM)) {
      const parser = new Parser();
      parser.setLanguage(await Language.load(fs.readFileSync(require.resolve(path))));
      out[lang] = parser;
    }
    return out;
  })();
  return ready;
}

/**
 * Syntax problems of one source: every ERROR node (not the errors nested inside it, which only
 * repeat it) and every MISSING node, 1-based line and column.
 * @param {'kotlin' | 'swift'} lang
 * @param {string} source
 * @param {{ masks?: boolean }} [options] masks: false parses the text as it is (for the tests)
 * @returns {Promise<{ line: number, column: number, kind: 'ERROR' | 'MISSING', text: string }[]>}
 */
export async function syntaxProblems(lang, source, { masks = true } = {}) {
  const parser = (await parsers())[lang];
  const text = masks ? maskGaps(lang, source) : source;
  const tree = parser.parse(text);
  const problems = [];
  const visit = (node) => {
    if (node.isMissing || node.isError) {
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        kind: node.isMissing ? 'MISSING' : 'ERROR',
        // What the source holds there (not the masked text), on one line.
        text: node.isMissing
          ? `expected ${node.type}`
          : source.slice(node.startIndex, node.startIndex + 60).split('\n')[0].trim(),
      });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
  return problems;
}
