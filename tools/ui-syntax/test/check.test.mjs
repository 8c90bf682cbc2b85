// The checker must pass modern Kotlin and Swift, report broken files where they break, and keep
// its grammar-gap rewrites honest.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GAPS, maskGaps } from '../lib/gaps.mjs';
import { languageOf, syntaxProblems } from '../lib/parse.mjs';
import { checkStrings, parseStrings } from '../lib/strings.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, 'fixtures');
const CHECK = path.join(HERE, '..', 'check.mjs');

const read = (rel) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
const problemsOf = (rel) => syntaxProblems(languageOf(rel), read(rel));

for (const file of ['good/Modern.kt', 'good/build.gradle.kts', 'good/Modern.swift']) {
  test(`${file} parses without a problem`, async () => {
    assert.deepEqual(await problemsOf(file), []);
  });
}

// Where each broken fixture must be reported (line of the first problem, 1-based): tree-sitter
// puts a missing closer where the text ends, an unexpected token where it stands.
const BROKEN = {
  'bad/UnclosedCall.kt': 4,
  'bad/UnclosedClass.kt': 3,
  'bad/BrokenWhen.kts': 4,
  'bad/UnclosedBody.swift': 9,
  'bad/BrokenCall.swift': 3,
  'bad/CaseWithoutColon.swift': 4,
};

for (const [file, line] of Object.entries(BROKEN)) {
  test(`${file} is reported at line ${line}`, async () => {
    const problems = await problemsOf(file);
    assert.ok(problems.length > 0, `no problem found in ${file}`);
    assert.equal(problems[0].line, line, JSON.stringify(problems));
    assert.ok(problems[0].column >= 1);
  });
}

for (const gap of GAPS) {
  test(`grammar gap "${gap.name}" (${gap.lang}) is still needed and still covered`, async () => {
    const raw = await syntaxProblems(gap.lang, gap.sample, { masks: false });
    assert.ok(raw.length > 0, `the grammar now parses "${gap.name}": remove it from lib/gaps.mjs`);
    assert.deepEqual(await syntaxProblems(gap.lang, gap.sample), []);
    const masked = maskGaps(gap.lang, gap.sample);
    assert.equal(masked.length, gap.sample.length);
    assert.deepEqual(masked.split('\n').map((l) => l.length), gap.sample.split('\n').map((l) => l.length));
  });
}

test('a rewrite never hides an error next to it', async () => {
  const src = 'struct S {\n    nonisolated(unsafe) static let v: Int = (1\n}\n';
  assert.ok((await syntaxProblems('swift', src)).length > 0);
});

/** A throwaway repository laid out like ours. */
function scratchRepo(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-syntax-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('the command lists file:line:column of each problem and fails', () => {
  const root = scratchRepo({
    'android/app/src/main/kotlin/Bad.kt': read('bad/UnclosedCall.kt'),
    'android/app/src/main/kotlin/Good.kt': read('good/Modern.kt'),
    'ios/Sachxanh/Bad.swift': read('bad/BrokenCall.swift'),
    'ios/Sachxanh/Good.swift': read('good/Modern.swift'),
    // Outside the scopes: never read.
    'server/Bad.swift': read('bad/BrokenCall.swift'),
    'android/app/build/generated/Bad.kt': read('bad/UnclosedCall.kt'),
  });
  const r = spawnSync(process.execPath, [CHECK, '--root', root], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^android\/app\/src\/main\/kotlin\/Bad\.kt:4:\d+: (ERROR|MISSING)/m);
  assert.match(r.stdout, /^ios\/Sachxanh\/Bad\.swift:3:\d+: (ERROR|MISSING)/m);
  assert.doesNotMatch(r.stdout, /Good\.|server\/|build\/generated/);
  assert.match(r.stdout, /2 Kotlin, 2 Swift and 0 \.strings files, 2 problem/);
});

test('in a git repository, ignored files are skipped and new files are checked', () => {
  const root = scratchRepo({
    '.gitignore': 'ios/SachxanhKit/Sources/\n',
    'ios/SachxanhKit/Sources/Copied.swift': read('bad/BrokenCall.swift'),
    'ios/Sachxanh/New.swift': read('good/Modern.swift'),
  });
  execFileSync('git', ['init', '-q'], { cwd: root });
  const r = spawnSync(process.execPath, [CHECK, '--root', root], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 Kotlin, 1 Swift and 0 \.strings files, 0 problem/);
});

test('with no app sources at all the command passes and says so', () => {
  const root = scratchRepo({ 'README.md': '# empty\n' });
  const r = spawnSync(process.execPath, [CHECK, '--root', root], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /nothing to check/);
});

const VI = '/* Tiếng Việt */\n"home.sync_now" = "Đồng bộ ngay";\n"home.waiting %lld" = "Chờ gửi: %lld";\n';
const EN = '// English\n"home.sync_now" = "Sync now";\n"home.waiting %lld" = "Waiting: %lld";\n';

test('.strings files parse, with comments and escapes', () => {
  const { entries, problems } = parseStrings('/* a\n b */\n"k.a" = "say \\"hi\\"";\n// c\n"k.b"="x";');
  assert.deepEqual(problems, []);
  assert.equal(entries.get('k.a').value, 'say "hi"');
  assert.equal(entries.get('k.b').line, 5);
  const broken = parseStrings('"k.a" = "x";\n"k.b" = "y"\n"k.c" = "z";\n');
  assert.equal(broken.problems.length, 1);
  assert.equal(broken.problems[0].line, 3);
});

test('the localisations of one table agree, and the Swift names only keys that exist', () => {
  const files = [
    { file: 'ios/App/vi.lproj/Localizable.strings', text: VI },
    { file: 'ios/App/en.lproj/Localizable.strings', text: EN },
  ];
  const swift = [{ file: 'ios/App/Home.swift', text: 'Text("home.sync_now")\nText("home.waiting \\(Int(n))")\nImage(systemName: "arrow.triangle.2.circlepath")\n' }];
  assert.deepEqual(checkStrings(files, swift), []);

  const missingEn = [files[0], { file: files[1].file, text: '"home.sync_now" = "Sync now";\n' }];
  assert.match(checkStrings(missingEn, swift).join('\n'), /en\.lproj\/Localizable\.strings:1:1: STRINGS "home\.waiting %lld" has no en text/);

  const wrongFormat = [files[0], { file: files[1].file, text: EN.replace('Waiting: %lld', 'Waiting: %@') }];
  assert.match(checkStrings(wrongFormat, swift).join('\n'), /en\.lproj\/Localizable\.strings:3:1: STRINGS "home\.waiting %lld" formats %@, expected %lld/);

  const typo = [{ file: 'ios/App/Home.swift', text: 'VStack {\n    Button("home.sync_nwo") {}\n    Text("home.waiting")\n}\n' }];
  const problems = checkStrings(files, typo);
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0], /^ios\/App\/Home\.swift:2:12: STRINGS "home\.sync_nwo" is not in Localizable\.strings/);
  assert.match(problems[1], /^ios\/App\/Home\.swift:3:10: STRINGS "home\.waiting" is not in/);
});
