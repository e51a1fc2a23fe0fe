// The package as a user gets it: `npm pack`, then the README's first tRPC install line in
// a fresh project. Checks that npm warns about nothing of ours, that the packed README
// links only to packed files, that every source map resolves, and that the entry points
// import. Needs the registry or npm's cache for the peers (`--prefer-offline`).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const SETUP_TIMEOUT = 180_000;

/**
 * The environment for child npm processes: without the `npm_*` variables an enclosing
 * `npm test` sets (npm_config_local_prefix and npm_config_prefix point at this
 * repository and would redirect the install), but keeping the user's cache and npmrc files.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.has(key.toLowerCase())));
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 150_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function newestMtime(dir: string, suffix: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith(suffix))
      .map((f) => statSync(join(dir, f)).mtimeMs),
  );
}

/** The README's first `npm install tessera …` line that names @trpc/server, as package arguments. */
function firstTrpcInstallLine(readme: string): string[] {
  const line = readme.split('\n').find((each) => /^npm install tessera\b/.test(each) && /\s@trpc\/server(\s|$)/.test(each.replace(/#.*/, '')));
  if (line === undefined) throw new Error('the README has no `npm install tessera … @trpc/server` line');
  return line.replace(/#.*/, '').trim().split(/\s+/).slice(2);
}

/** Relative link targets in Markdown: inline `[text](target)`, images, and `[label]: target` definitions. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1] ?? '');
  return targets.filter((target) => target !== '' && !target.startsWith('#') && !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'));
}

interface WarnBlock {
  readonly lines: string[];
  readonly packages: Set<string>;
}

/**
 * npm's `npm warn <code> …` lines, grouped into blocks of consecutive lines with the same
 * code (one install-scripts or EBADENGINE report spans several lines), each with the
 * package names it mentions (`name@version`, `name@file:…`, or a `tessera-x.y.z.tgz` path).
 */
function warnBlocks(output: string): WarnBlock[] {
  const blocks: (WarnBlock & { code: string })[] = [];
  for (const line of output.split('\n')) {
    const match = /^npm warn (\S+)/i.exec(line);
    if (match === null) continue;
    const code = match[1] ?? '';
    let block = blocks.at(-1);
    if (block === undefined || block.code !== code) {
      block = { code, lines: [], packages: new Set() };
      blocks.push(block);
    }
    block.lines.push(line);
    for (const spec of line.matchAll(/(?:^|[\s'"(,])((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@(?=[\d^~<>=*]|file:|npm:|git)/gi)) block.packages.add((spec[1] ?? '').toLowerCase());
    if (/\btessera-\d+\.\d+\.\d+\S*\.tgz\b/.test(line)) block.packages.add('tessera');
  }
  return blocks;
}

/** tessera and every package its `dependencies` pull in (not its peers: the user picks those). */
function ourPackages(project: string): Set<string> {
  const ours = new Set<string>();
  const visit = (name: string, from: string): void => {
    if (ours.has(name)) return;
    // Node's resolution: the nearest node_modules up from the dependent package.
    for (let dir = from; ; dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) {
        ours.add(name);
        const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
        for (const dependency of Object.keys(dependencies)) visit(dependency, dirname(manifest));
        return;
      }
      if (dirname(dir) === dir) throw new Error(`${name} is not installed`);
    }
  };
  visit('tessera', project);
  return ours;
}

const root = mkdtempSync(join(tmpdir(), 'pack-test-'));
const project = join(root, 'app');
let packed: Set<string>;
let installOutput: string;
let installArgs: string[];

beforeAll(() => {
  // Packs dist/ as `npm test`'s build left it: `--ignore-scripts` skips prepack's rebuild,
  // which would delete dist/ under the test files running beside this one.
  if (!existsSync(join(repo, 'dist/index.js')) || statSync(join(repo, 'dist/index.js')).mtimeMs < newestMtime(join(repo, 'src'), '.ts') - 1000) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first');
  }
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], repo);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  packed = new Set(info.files.map((file) => file.path));
  const tarball = join(root, info.filename);

  mkdirSync(project);
  // allowScripts denies better-sqlite3's native build (node-gyp, minutes on a busy
  // machine): the user's own policy for a third-party peer, and the imports below do not
  // load the addon. It removes only better-sqlite3 from npm's install-scripts report;
  // a script of tessera's would still be reported (checked by the first test below).
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'pack-test-app', version: '1.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': false } }, null, 2)}\n`);
  installArgs = firstTrpcInstallLine(readFileSync(join(repo, 'README.md'), 'utf8')).map((name) => (name === 'tessera' ? tarball : name));
  // npm before 11.16 has no allowScripts: it would build better-sqlite3 (too slow for a
  // test) and has no install-scripts report to check, so scripts are skipped there and the
  // static check of the packed manifest's lifecycle scripts below is what remains.
  const [major = 0, minor = 0] = run('npm', ['--version'], project).stdout.trim().split('.').map(Number);
  const scripts = major > 11 || (major === 11 && minor >= 16) ? [] : ['--ignore-scripts'];
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--color=false', ...scripts, ...installArgs], project);
  installOutput = `${install.stdout}\n${install.stderr}`;
}, SETUP_TIMEOUT);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the packed package', () => {
  it('installs with the README tRPC line without an npm warning about tessera or its dependencies', () => {
    expect(installArgs.some((arg) => arg.endsWith('.tgz'))).toBe(true);
    const ours = ourPackages(project);
    expect(ours.has('tessera')).toBe(true);
    const blocks = warnBlocks(installOutput);
    // A block is ours when it names tessera or one of its dependencies, and also when it
    // names no package at all: an unattributable warning fails rather than being filtered.
    const oursBlocks = blocks.filter((block) => block.packages.size === 0 || [...block.packages].some((name) => ours.has(name)));
    const thirdParty = blocks.filter((block) => !oursBlocks.includes(block));
    if (thirdParty.length > 0) console.info(`npm warnings about third-party peers (not ours):\n${thirdParty.flatMap((block) => block.lines).join('\n')}`);
    expect(oursBlocks.flatMap((block) => block.lines)).toEqual([]);
  });

  it('has no install-time lifecycle script a user would run (or be warned about)', () => {
    const { scripts = {} } = JSON.parse(readFileSync(join(project, 'node_modules/tessera/package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(Object.keys(scripts).filter((name) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(name))).toEqual([]);
  });

  it('the warning filter catches what it must: a prepare script, an engine mismatch, an unattributed warning', () => {
    const before = [
      'npm warn install-scripts 2 packages have install scripts not yet covered by allowScripts:',
      'npm warn install-scripts   better-sqlite3@12.11.1 (install: prebuild-install || node-gyp rebuild --release)',
      'npm warn install-scripts   tessera@0.1.0 (prepare: npm run build)',
      'npm warn install-scripts',
      'npm warn EBADENGINE Unsupported engine {',
      "npm warn EBADENGINE   package: 'cookie@2.0.0',",
      'npm warn EBADENGINE }',
      'npm warn config something without a package',
      'npm warn deprecated prebuild-install@7.1.3: No longer maintained.',
    ].join('\n');
    const blocks = warnBlocks(before);
    expect(blocks.map((block) => [...block.packages].sort())).toEqual([['better-sqlite3', 'tessera'], ['cookie'], [], ['prebuild-install']]);
  });

  it('has a README (and other packed Markdown) whose relative links all point at packed files', () => {
    expect(packed.has('README.md')).toBe(true);
    const markdown = [...packed].filter((file) => file.endsWith('.md'));
    const missing = markdown.flatMap((file) => {
      const links = relativeLinks(readFileSync(join(project, 'node_modules/tessera', file), 'utf8'));
      if (file === 'README.md') expect(links.length).toBeGreaterThan(0);
      return links
        .filter((link) => {
          const path = posix.normalize(posix.join(posix.dirname(file), decodeURIComponent(link.replace(/[#?].*$/, '')))).replace(/\/$/, '');
          return !packed.has(path) && ![...packed].some((each) => each.startsWith(`${path}/`));
        })
        .map((link) => `${file} -> ${link}`);
    });
    expect(missing).toEqual([]);
  });

  it('detects a dead relative link (the check is not vacuous)', () => {
    expect(relativeLinks('[a](SECURITY.md) [b](examples/x.ts#L1) [c](https://x.dev/y) [d](#top) `[e](f.md)`\n[g]: test/DJANGO.md')).toEqual(['SECURITY.md', 'examples/x.ts#L1', 'test/DJANGO.md']);
  });

  it('has source maps whose sources and whose referencing files are all packed', () => {
    const maps = [...packed].filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources = [], sourceRoot = '' } = JSON.parse(readFileSync(join(project, 'node_modules/tessera', map), 'utf8')) as { sources?: string[]; sourceRoot?: string };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!packed.has(path)) missing.push(`${map} -> ${source}`);
      }
    }
    for (const file of [...packed].filter((each) => /\.(js|d\.ts)$/.test(each))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(project, 'node_modules/tessera', file), 'utf8'))?.[1];
      if (url !== undefined && !url.startsWith('data:') && !packed.has(posix.normalize(posix.join(posix.dirname(file), url)))) missing.push(`${file} -> ${url}`);
    }
    expect(missing).toEqual([]);
  });

  it('resolves tessera and tessera/sqlite in the installed project', () => {
    const result = run(process.execPath, ['-e', "Promise.all([import('tessera'), import('tessera/sqlite')]).then(([m, s]) => console.log(typeof m.createSessions, typeof s.sqliteStore))"], project);
    expect(result.stdout.trim()).toBe('function function');
  });
});
