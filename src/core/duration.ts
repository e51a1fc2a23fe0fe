import { SessionError } from './errors.js';

/**
 * A length of time: a whole number of seconds, or a string such as `'30s'`, `'15m'`, `'1h'`, `'14d'`.
 */
export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Converts a {@link Duration} to whole seconds, naming `option` in the error for a bad value.
 * Called once, at construction; never per request.
 */
export function durationToSeconds(value: Duration, option: string): number {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else {
    const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value);
    if (!match) {
      throw new SessionError('INVALID_CONFIG', `${option}: "${value}" is not a duration (use seconds, or a string like "15m", "1h", "14d")`);
    }
    seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new SessionError('INVALID_CONFIG', `${option} must be a positive duration`);
  }
  return Math.floor(seconds);
}
