import type { SessionRecord, Store } from 'tessera';
import { createHash } from 'node:crypto';

/*
 * Store wrappers that switch one defence off, for the control runs of the attack suite:
 * each control repeats an attack against a store that behaves like a weaker session
 * library, and must see the attack succeed — so the real test is shown able to fail.
 */

/** Like a library that does not rotate at sign-in: the pre-login secret keeps working. */
export function keepsOldSecrets(inner: Store): Store {
  return {
    ...inner,
    async update(record, expectedVersion) {
      const current = await inner.get(record.id);
      if (!current || current.secretHash === record.secretHash) return inner.update(record, expectedVersion);
      return inner.update({ ...record, previousSecretHash: current.secretHash, previousSecretExpiresAt: new Date(Date.UTC(2100, 0, 1)) }, expectedVersion);
    },
  };
}

/** Like a library whose logout only clears the browser's cookie: records are never deleted. */
export function neverDeletes(inner: Store): Store {
  return { ...inner, delete: async (id) => (await inner.get(id)) !== null, deleteByUser: async () => 0 };
}

/** Like a library whose save is an upsert: a late write recreates a logged-out session. */
export function upsertsOnUpdate(inner: Store): Store {
  return {
    ...inner,
    async update(record, expectedVersion) {
      if (await inner.update(record, expectedVersion)) return true;
      if ((await inner.get(record.id)) === null) return inner.create(record);
      return false;
    },
  };
}

/** Like a library without a rotation grace window: the replaced secret dies at once. */
export function noGraceWindow(inner: Store): Store {
  return {
    ...inner,
    update: (record, expectedVersion) => inner.update({ ...record, previousSecretHash: null, previousSecretExpiresAt: null }, expectedVersion),
  };
}

/** Like Django, which stores the session key itself: the stored column IS the secret. */
export function storesRawSecrets(inner: Store): Store {
  const sha = (value: string) => createHash('sha256').update(value).digest('base64url');
  return {
    ...inner,
    async get(id): Promise<SessionRecord | null> {
      const record = await inner.get(id);
      return record && { ...record, secretHash: sha(record.secretHash) };
    },
  };
}

/** Holds the next `update` until released: a slow mutation whose commit lands after a concurrent logout. */
export function holdsNextUpdate(inner: Store): { store: Store; arrived: Promise<void>; release(): void } {
  let release!: () => void;
  let arrivedResolve!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const arrived = new Promise<void>((resolve) => (arrivedResolve = resolve));
  let held = false;
  return {
    store: {
      ...inner,
      async update(record, expectedVersion) {
        if (!held) {
          held = true;
          arrivedResolve();
          await gate;
        }
        return inner.update(record, expectedVersion);
      },
    },
    arrived,
    release,
  };
}
