#!/usr/bin/env node
// Syntax check of the app sources: every *.kt and *.kts under android/, every *.swift under ios/
// and bindings/swift/Sources; and the iOS app's Localizable.strings (they parse, every language
// has every key with the same format arguments, every key the Swift names exists). Prints
// file:line:column for each problem and exits 1 if there is any.
// Usage: node check.mjs [--root DIR] [FILE...]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { languageOf, syntaxProblems } from './lib/parse.mjs';
import { checkStrings } from './lib/strings.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCOPES = [
  { dir: 'android', ext: /\.kts?$/ },
  { dir: 'ios', ext: /\.(swift|strings)$/ },
  { dir: 'bindings/swift/Sources', ext: /\.swift$/ },
];
// Build output and caches, for a tree that git does not describe.
const SKIP_DIRS = new Set(['.git', 'node_modules', 'build', '.gradle', '.build', 'DerivedData', '.swiftpm']);

/** Files in scope, relative to root: git's view (tracked and new, not ignored) where there is one. */
export function filesToCheck(root) {
  let listed = null;
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SCOPES.map((s) => s.dir)],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    listed = out.split('\0').filter(Boolean);
  } catch {
    listed = null;
  }
  if (listed === null) {
    listed = [];
    const walk = (rel) => {
      let entries;
      try {
        entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(p);
        else if (e.isFile()) listed.push(p);
      }
    };
    for (const s of SCOPES) walk(s.dir);
  }
  const inScope = (f) => SCOPES.some((s) => (f === s.dir || f.startsWith(`${s.dir}/`)) && s.ext.test(f));
  // A file deleted but not yet committed is still listed by git: keep only what exists.
  return [...new Set(listed)]
    .filter(inScope)
    .filter((f) => fs.existsSync(path.join(root, f)))
    .sort();
}

/** Checks files; returns the problems as printable lines. */
export async function check(root, files) {
  const lines = [];
  for (const file of files) {
    const lang = languageOf(file);
    if (!lang) continue;
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    for (const p of await syntaxProblems(lang, source)) {
      lines.push(`${file}:${p.line}:${p.column}: ${p.kind} ${p.text}`);
    }
  }
  const read = (f) => ({ file: f, text: fs.readFileSync(path.join(root, f), 'utf8') });
  const strings = files.filter((f) => f.endsWith('.strings')).map(read);
  const swift = files.filter((f) => f.startsWith('ios/') && f.endsWith('.swift')).map(read);
  if (strings.length) lines.push(...checkStrings(strings, swift));
  return lines;
}

async function main(argv) {
  let root = path.resolve(HERE, '../..');
  const named = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = path.resolve(argv[++i]);
    else if (argv[i] === '-h' || argv[i] === '--help') {
      console.log('usage: node check.mjs [--root DIR] [FILE...]');
      return 0;
    } else named.push(argv[i]);
  }
  const files = named.length
    ? named.map((f) => path.relative(root, path.resolve(f)))
    : filesToCheck(root);
  if (files.length === 0) {
    console.log('ui-syntax: no Kotlin, Swift or .strings files under android/, ios/ or bindings/swift/Sources: nothing to check');
    return 0;
  }
  const problems = await check(root, files);
  for (const line of problems) console.log(line);
  const kt = files.filter((f) => languageOf(f) === 'kotlin').length;
  const sw = files.filter((f) => languageOf(f) === 'swift').length;
  const st = files.filter((f) => f.endsWith('.strings')).length;
  console.log(`ui-syntax: ${kt} Kotlin, ${sw} Swift and ${st} .strings files, ${problems.length} problem(s)`);
  return problems.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`ui-syntax: ${err.stack || err}`);
      process.exit(2);
    },
  );
}
