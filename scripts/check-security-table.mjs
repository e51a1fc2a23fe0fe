// Checks SECURITY.md against the test run that `npm test` just made: every test the
// guarantee table names must exist and have passed, unskipped — on every backend the
// suite runs on, and on PostgreSQL too when TESSERA_REQUIRE_SERVICES=1 (CI).
// Test references in SECURITY.md are code spans of the form `test/…/file.test.ts::exact test title`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const resultsPath = process.argv[2] ?? 'test-output/vitest-results.json';
const table = readFileSync(new URL('SECURITY.md', new URL('../', import.meta.url)), 'utf8');
const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
const requirePostgres = process.env.TESSERA_REQUIRE_SERVICES === '1';
// Without Chromium the browser suite is skipped with one line (README); so are the rows' browser
// tests here, named in one line too, unless TESSERA_REQUIRE_BROWSER=1 (CI) makes them mandatory.
const requireBrowser = process.env.TESSERA_REQUIRE_BROWSER === '1';
const skippedBrowser = [];

const references = [...table.matchAll(/`(test\/[^`:]+\.test\.ts)::([^`]+)`/g)].map(([, file, title]) => ({ file, title }));
const byFile = new Map(results.testResults.map((file) => [relative(root, file.name), file.assertionResults]));
const problems = [];
for (const { file, title } of references) {
  const tests = (byFile.get(file) ?? []).filter((test) => test.title === title);
  const where = `${file} › ${title}`;
  if (tests.length === 0) problems.push(`not found (or its file did not run): ${where}`);
  if (!requireBrowser && file.startsWith('test/e2e/') && tests.length > 0 && tests.every((test) => test.status === 'skipped' || test.status === 'pending')) {
    skippedBrowser.push(where);
    continue;
  }
  for (const test of tests) if (test.status !== 'passed') problems.push(`${test.status}: ${test.fullName} (${file})`);
  if (requirePostgres && file.startsWith('test/security/') && !tests.some((test) => test.ancestorTitles.some((name) => name.includes('PostgreSQL')))) {
    problems.push(`did not run on PostgreSQL: ${where}`);
  }
}
if (references.length < 20) problems.push(`SECURITY.md names only ${references.length} tests; the table is missing`);
if (problems.length > 0) {
  console.error(`SECURITY.md check: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
if (skippedBrowser.length > 0)
  console.log(`SECURITY.md check: ${skippedBrowser.length} browser test(s) skipped without Chromium (TESSERA_REQUIRE_BROWSER=1 makes them mandatory): ${skippedBrowser.join('; ')}`);
console.log(`SECURITY.md check: all ${references.length - skippedBrowser.length} named tests exist and passed${requirePostgres ? ' (attack suite on SQLite and PostgreSQL)' : ''}.`);
