import { SessionError } from './errors.js';

/**
 * A length of time: a number of milliseconds (the JavaScript convention, as in `setTimeout`),
 * or a string with a unit: `'500ms'`, `'1.5s'`, `'15m'`, `'1h'`, `'14d'`.
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Converts a {@link Duration} to milliseconds, exactly (no rounding), naming `option` in the
 * `INVALID_CONFIG` error for a zero, negative, non-finite or malformed value.
 * Called once, at construction; never per request.
 */
export function durationToMs(value: Duration, option: string): number {
  let ms: number;
  if (typeof value === 'number') {
    ms = value;
  } else {
    const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value) : null;
    if (!match) {
      throw new SessionError('INVALID_CONFIG', `${option}: ${JSON.stringify(value)} is not a duration (use milliseconds, or a string like "500ms", "30s", "15m", "1h", "14d")`);
    }
    ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new SessionError('INVALID_CONFIG', `${option} must be a positive, finite duration, got ${String(value)}`);
  }
  return ms;
}
