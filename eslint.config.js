// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node.js globals the plain-JavaScript scripts use (no `globals` package needed for a dozen names). */
const NODE_GLOBALS = Object.fromEntries(
  'AbortController Buffer Headers Request Response TextDecoder TextEncoder URL URLSearchParams clearInterval clearTimeout console crypto fetch performance process queueMicrotask setImmediate setInterval setTimeout structuredClone'
    .split(' ')
    .map((name) => [name, 'readonly']),
);

/** A relative import that leaves the package folder for anything but the root entry `src/index.ts`. */
const OUTSIDE_BUT_ROOT = String.raw`^\.\./\.\./(?!index\.js$)`;

export default defineConfig(
  {
    ignores: ['dist/', 'coverage/', 'test-output/', 'bench/.tmp/', '**/graphql-env.d.ts', 'examples/fullstack/public/build/', 'examples/fullstack/.build/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A sync implementation of a Promise-returning contract (Store, commit) is an async function without await, so a throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // Store, TestApi and CliOutput are plain objects of functions by contract, passed around unbound (store.deleteExpired, api.it).
      '@typescript-eslint/unbound-method': 'off',
      // `_`-prefixed names are deliberately unused (destructuring a key away, a required parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests assert on untyped JSON (`await response.json()` is any) and on vitest's asymmetric matchers (typed any).
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Plain JavaScript (bench, scripts, config files) is outside every tsconfig: syntax rules only, on Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: NODE_GLOBALS },
  },

  // Import boundaries (issue "The core owns the request"): the core knows no adapter and no store;
  // an adapter or a store sees the core only through the public entry, as a user would.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: String.raw`^\.\./`, message: 'src/core imports no adapter, store, CLI or testing code: those depend on the core, never the reverse.' },
            { regex: '^tessera(/|$)', message: 'Import the module itself, not the package.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: OUTSIDE_BUT_ROOT, message: 'An adapter reaches the core only through its public entry ../../index.js: never core/*, a store, the CLI or the testing kit.' },
            { regex: String.raw`^\.\./(?!\.\./)`, message: 'An adapter never imports another adapter.' },
            { regex: '^tessera(/|$)', message: 'Import ../../index.js, not the package.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/stores/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: OUTSIDE_BUT_ROOT, message: 'A store reaches the core only through its public entry ../../index.js: never core/*, an adapter, the CLI or the testing kit.' },
            { regex: String.raw`^\.\./(?!\.\./)[^/]+/(?!index\.js$)`, message: "A store may use another store only through that store's public entry ../<store>/index.js, never its internals." },
            { regex: '^tessera(/|$)', message: 'Import ../../index.js, not the package.' },
          ],
        },
      ],
    },
  },
);
