import { describe, expect, it } from 'vitest';
import { createSessions, memoryStore, profiles, SessionError, type SessionsConfig } from '../../src/index.js';
import { SECRET } from '../helpers/engine.js';

function configError(config: Partial<SessionsConfig>): SessionError {
  try {
    createSessions({ store: memoryStore(), secrets: [SECRET], ...config });
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return error as SessionError;
  }
  throw new Error('expected createSessions to throw');
}

describe('configuration is validated at construction', () => {
  it.each<[string, Partial<SessionsConfig>, string]>([
    ['no secrets', { secrets: [] }, 'secrets'],
    ['a short secret', { secrets: ['too-short'] }, 'secrets[0]'],
    ['a short fallback secret', { secrets: [SECRET, 'short'] }, 'secrets[1]'],
    ['a bad duration', { idleTimeout: '3 weeks' as never }, 'idleTimeout'],
    ['a negative duration', { absoluteTimeout: -5 }, 'absoluteTimeout'],
    ['idle longer than absolute', { idleTimeout: '40d', absoluteTimeout: '30d' }, 'idleTimeout'],
    ['a prefixed cookie name', { cookie: { name: '__Host-sid' } }, 'cookie.name'],
    ['a cookie name with a space', { cookie: { name: 's id' } }, 'cookie.name'],
    ['a bad SameSite', { cookie: { sameSite: 'None' as never } }, 'cookie.sameSite'],
    ['trustProxy true', { trustProxy: true as never }, 'trustProxy'],
    ['an allowed origin with a path', { allowedOrigins: ['https://a.test/path'] }, 'allowedOrigins'],
    ['a tiny data cap', { maxDataBytes: 10 }, 'maxDataBytes'],
  ])('%s throws INVALID_CONFIG naming the option', (_name, config, option) => {
    const error = configError(config);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(option);
  });

  it('a missing store is named', () => {
    const error = configError({ store: undefined as never });
    expect(error.message).toContain('store');
  });

  it('profiles are spreadable timeouts', () => {
    expect(profiles.aal2).toEqual({ absoluteTimeout: '24h', idleTimeout: '1h' });
    expect(profiles.aal3).toEqual({ absoluteTimeout: '12h', idleTimeout: '15m' });
    expect(() => createSessions({ ...profiles.aal3, store: memoryStore(), secrets: [SECRET] })).not.toThrow();
  });
});
