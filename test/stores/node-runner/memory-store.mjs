// testStore() under node:test with node:assert, against the built package: proof that
// the conformance suite needs no vitest. Spawned by test/stores/node-runner.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from '../../../dist/index.js';
import { testStore } from '../../../dist/testing/index.js';

const expect = (actual) => ({
  toBe: (expected) => assert.strictEqual(actual, expected),
  toEqual: (expected) => assert.deepStrictEqual(actual, expected),
});

testStore({ describe, it, expect }, 'memoryStore under node:test', () => memoryStore());
