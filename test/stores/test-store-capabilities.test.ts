import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { STORE_CAPABILITIES, testStore, type StoreCapability, type TestApi } from '../../src/testing/index.js';

/** Registers the suite into a recorder instead of a runner: the describe/it names it would create. */
function registered(capabilities?: readonly StoreCapability[]): string[] {
  const names: string[] = [];
  const path: string[] = [];
  const api: TestApi = {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    it(name) {
      names.push([...path.slice(1), name].join(' > '));
    },
    expect: () => ({ toBe() {}, toEqual() {} }),
  };
  testStore(api, 'recorded', () => memoryStore(), capabilities === undefined ? {} : { capabilities });
  return names;
}

describe('testStore capabilities', () => {
  it('runs every group by default', () => {
    const groups = new Set(registered().map((name) => name.split(' > ')[0]));
    expect([...groups]).toEqual(['get, create, delete', ...STORE_CAPABILITIES]);
  });

  it('runs only get/create/delete plus the declared groups for a store that cannot do everything', () => {
    const groups = new Set(registered(['touch', 'delete-expired']).map((name) => name.split(' > ')[0]));
    expect([...groups]).toEqual(['get, create, delete', 'touch', 'delete-expired']);
  });

  it('refuses an unknown capability rather than silently skipping it', () => {
    expect(() => registered(['list' as StoreCapability])).toThrowError(/unknown capability "list"/);
  });
});
