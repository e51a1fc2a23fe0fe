import type { SessionRecord, SessionTouch, Store } from '../../index.js';

/**
 * A {@link Store} in process memory: for tests, demos and single-process development.
 * Records vanish with the process. It passes the same conformance suite as every store.
 *
 * @example
 * ```ts
 * import { createSessions, memoryStore } from 'tessera';
 * const sessions = createSessions({ store: memoryStore(), secrets: [secret] });
 * ```
 */
export function memoryStore(): Store {
  const records = new Map<string, SessionRecord>();
  return {
    async get(id) {
      return records.get(id) ?? null;
    },
    async create(record) {
      if (records.has(record.id)) return false;
      records.set(record.id, record);
      return true;
    },
    async update(record, expectedVersion) {
      const current = records.get(record.id);
      if (!current || current.version !== expectedVersion) return false;
      records.set(record.id, record);
      return true;
    },
    async touch(id, touch: SessionTouch) {
      const current = records.get(id);
      if (!current) return false;
      records.set(id, { ...current, lastSeenAt: touch.lastSeenAt, expiresAt: touch.expiresAt });
      return true;
    },
    async delete(id) {
      return records.delete(id);
    },
    async listByUser(userId) {
      return [...records.values()].filter((record) => record.userId === userId);
    },
    async deleteByUser(userId, exceptId) {
      let count = 0;
      for (const record of [...records.values()]) {
        if (record.userId === userId && record.id !== exceptId) {
          records.delete(record.id);
          count++;
        }
      }
      return count;
    },
    async deleteExpired(now, limit) {
      let count = 0;
      for (const record of [...records.values()]) {
        if (count >= limit) break;
        if (record.expiresAt.getTime() <= now.getTime()) {
          records.delete(record.id);
          count++;
        }
      }
      return count;
    },
  };
}
