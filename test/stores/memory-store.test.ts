import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { testStore } from '../../src/testing/index.js';

testStore({ describe, it, expect }, 'memoryStore', () => memoryStore());
