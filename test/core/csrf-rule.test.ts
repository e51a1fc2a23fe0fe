// csrfVerdict on request facts directly: the exact-own-Origin shortcut and the media-type parse
// (performance changes) must judge every case as the normalising comparison does.
import { describe, expect, it } from 'vitest';
import { csrfVerdict, type CsrfPolicy } from '../../src/core/csrf.js';
import { readRequest } from '../../src/core/request.js';

const policy: CsrfPolicy = { allowedOrigins: new Set(['https://admin.example.com']), customHeaders: ['x-requested-with'] };
const verdict = (url: string, headers: Record<string, string>) => csrfVerdict(readRequest(new Request(url, { method: 'POST', headers }), 0), policy);
const json = { 'content-type': 'application/json' };

describe('the CSRF rule on origins and content types', () => {
  it('accepts the request’s own origin however it is spelled, and listed origins', () => {
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://app.example.com' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...json, origin: 'HTTPS://APP.Example.com' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://app.example.com:443' })).toBeNull();
    expect(verdict('http://localhost:3000/api', { ...json, origin: 'http://localhost:3000' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://admin.example.com' })).toBeNull();
  });

  it('refuses other origins, other schemes, other ports and null', () => {
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://evil.example.com' })).toBe('foreign-origin');
    expect(verdict('https://app.example.com/api', { ...json, origin: 'http://app.example.com' })).toBe('foreign-origin');
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://app.example.com:8443' })).toBe('foreign-origin');
    expect(verdict('https://app.example.com/api', { ...json, origin: 'https://app.example.com.evil.com' })).toBe('foreign-origin');
    expect(verdict('https://app.example.com/api', { ...json, origin: 'null' })).toBe('foreign-origin');
  });

  it('judges the media type without its parameters, case-insensitively', () => {
    const own = { origin: 'https://app.example.com' };
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': 'application/json; charset=utf-8' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': ' Text/Plain ; charset=utf-8' })).toBe('simple-body');
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': 'multipart/form-data; boundary=x' })).toBe('simple-body');
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': 'APPLICATION/X-WWW-FORM-URLENCODED' })).toBe('simple-body');
    expect(verdict('https://app.example.com/api', own)).toBe('simple-body');
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...own, 'content-type': 'text/plain', 'x-requested-with': 'fetch' })).toBeNull();
    expect(verdict('https://app.example.com/api', { ...json, 'sec-fetch-site': 'cross-site' })).toBe('cross-site');
  });
});

describe('X-Forwarded-Host is believed only when the app says its proxy sets it', () => {
  // A client behind a proxy that passes X-Forwarded-Host through names its own site as the
  // request's origin: with the header believed, a cross-site Origin would count as the app's own.
  const attack = () =>
    new Request('http://app.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.test', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test' },
    });

  it('with trustProxy alone, the forwarded host is ignored and the foreign Origin refused', () => {
    expect(csrfVerdict(readRequest(attack(), 1), policy)).toBe('foreign-origin');
  });

  it('control: with trustForwardedHost, the same request passes as same-origin (only safe when the proxy sets the header)', () => {
    expect(csrfVerdict(readRequest(attack(), 1, true), policy)).toBeNull();
  });
});
