import type { SessionData } from './config.js';
import type { DataOp } from './session-state.js';

/** Applies one data op in place. */
export function applyOp(data: SessionData, op: DataOp): void {
  switch (op.kind) {
    case 'set':
      data[op.key] = op.value;
      return;
    case 'delete':
      delete data[op.key];
      return;
    case 'clear':
      for (const key of Object.keys(data)) delete data[key];
      return;
    case 'update': {
      const next = toJson(op.fn(data[op.key]), op.key);
      if (next === undefined) delete data[op.key];
      else data[op.key] = next;
      return;
    }
  }
}

/** Session values are JSON: a value that does not survive a JSON round trip is refused where it is set. */
export function toJson(value: unknown, key: string): unknown {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`session value for "${key}" is not JSON-serialisable`);
  return JSON.parse(json) as unknown;
}

export function isEmptyObject(data: SessionData): boolean {
  for (const key in data) if (Object.hasOwn(data, key)) return false;
  return true;
}
