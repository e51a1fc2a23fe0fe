// The floor: the least a server-side session lookup can cost on this stack, written by hand
// with node:crypto and better-sqlite3 (nothing from src/). Same algorithm and parameters as
// src/core/seal.ts and src/core/token.ts, same table and SQLite settings as sqliteStore
// (WAL, synchronous=NORMAL, normal locking, busy_timeout), no in-process cache of sessions.
import { createCipheriv, createDecipheriv, createHash, hash as sha, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';

const TABLE = 'tessera_sessions';

/** Opens the floor's own connection to a session database file. */
export function openFloorDb(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The floor's crypto alone: key derivation once, then SHA-256, AES-256-GCM seal and unseal. */
export function floorCrypto(secret) {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'tessera', 'tessera/session-data/v1', 32));
  const keyId = createHash('sha256').update(key).update('key-id').digest('base64url').slice(0, 8);
  return {
    hash: (secretPart) => sha('sha256', secretPart, 'base64url'),
    seal(json, id) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id, 'utf8'));
      return `${keyId}.${Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url')}`;
    },
  };
}

/**
 * The hand-written floor over one connection. `secret` is the server secret; the
 * derived key, key id and statements are computed once here.
 */
export function createFloor(db, secret, { cookieName = '__Host-sid', idleMs = 14 * 86_400_000, absoluteMs = 30 * 86_400_000, graceMs = 30_000 } = {}) {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'tessera', 'tessera/session-data/v1', 32));
  const keyId = createHash('sha256').update(key).update('key-id').digest('base64url').slice(0, 8);
  const needle = `${cookieName}=`;
  const select = db.prepare(`select secret_hash, user_id, data, expires_at from ${TABLE} where id = ?`);
  const insert = db.prepare(
    `insert into ${TABLE} (id, secret_hash, previous_secret_hash, previous_secret_expires_at, user_id, authenticated_at, data, version, created_at, last_seen_at, expires_at, absolute_expires_at, user_agent, ip_address) values (?, ?, null, null, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
  );
  const selectForWrite = db.prepare(`select secret_hash, user_id, data, expires_at, absolute_expires_at, version from ${TABLE} where id = ?`);
  const rotateStmt = db.prepare(
    `update ${TABLE} set secret_hash = ?, previous_secret_hash = ?, previous_secret_expires_at = ?, data = ?, version = version + 1, last_seen_at = ?, expires_at = ? where id = ? and version = ?`,
  );
  const updateData = db.prepare(`update ${TABLE} set data = ?, version = version + 1, last_seen_at = ?, expires_at = ? where id = ? and version = ?`);
  const remove = db.prepare(`delete from ${TABLE} where id = ?`);

  function cookieValue(header) {
    if (!header) return null;
    const at = header.indexOf(needle);
    if (at === -1 || (at > 0 && header.charCodeAt(at - 1) !== 32 && header.charCodeAt(at - 1) !== 59)) return null;
    const end = header.indexOf(';', at);
    return header.slice(at + needle.length, end === -1 ? undefined : end);
  }

  function hash(secretPart) {
    return sha('sha256', secretPart, 'base64url');
  }

  function equal(a, b) {
    return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
  }

  function seal(json, id) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    return `${keyId}.${Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url')}`;
  }

  function unseal(sealed, id) {
    if (sealed.slice(0, 8) !== keyId || sealed.charCodeAt(8) !== 46) return null;
    const body = Buffer.from(sealed.slice(9), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return decipher.update(body.subarray(12, body.length - 16), undefined, 'utf8') + decipher.final('utf8');
    } catch {
      return null;
    }
  }

  /** Splits `<22 id>.<43 secret>`; anything else is no session. */
  function split(value) {
    if (value === null || value.length !== 66 || value.charCodeAt(22) !== 46) return null;
    return [value.slice(0, 22), value.slice(23)];
  }

  /** Cookie header → `{ id, userId, data }` or `null`: the read-only request of the bench. */
  function load(cookieHeader) {
    const token = split(cookieValue(cookieHeader));
    if (token === null) return null;
    const row = select.get(token[0]);
    if (row === undefined || row.expires_at <= Date.now()) return null;
    if (!equal(hash(token[1]), row.secret_hash)) return null;
    const plaintext = unseal(row.data, token[0]);
    if (plaintext === null) return null;
    return { id: token[0], userId: row.user_id, data: JSON.parse(plaintext).d };
  }

  function setCookie(id, secretPart, maxAgeSeconds) {
    return `${cookieName}=${id}.${secretPart}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; Secure; SameSite=Lax`;
  }

  /** Login: a new record for `userId`; returns the Set-Cookie value. */
  function create(userId, userAgent = null, ip = null) {
    const id = randomBytes(16).toString('base64url');
    const secretPart = randomBytes(32).toString('base64url');
    const now = Date.now();
    const absolute = now + absoluteMs;
    insert.run(id, hash(secretPart), userId, now, seal('{"d":{}}', id), now, now, Math.min(now + idleMs, absolute), absolute, userAgent, ip);
    return setCookie(id, secretPart, Math.floor(absoluteMs / 1000));
  }

  /** Reads and verifies for a write; `null` when the cookie is no session. */
  function loadForWrite(cookieHeader) {
    const token = split(cookieValue(cookieHeader));
    if (token === null) return null;
    const row = selectForWrite.get(token[0]);
    if (row === undefined || row.expires_at <= Date.now()) return null;
    if (!equal(hash(token[1]), row.secret_hash)) return null;
    const plaintext = unseal(row.data, token[0]);
    if (plaintext === null) return null;
    return { id: token[0], row, envelope: JSON.parse(plaintext) };
  }

  /** Rotate: verify, new secret, previous one kept for the grace window, data re-sealed; returns Set-Cookie. */
  function rotate(cookieHeader) {
    const s = loadForWrite(cookieHeader);
    if (s === null) return null;
    const secretPart = randomBytes(32).toString('base64url');
    const now = Date.now();
    const changed = rotateStmt.run(
      hash(secretPart),
      s.row.secret_hash,
      now + graceMs,
      seal(JSON.stringify(s.envelope), s.id),
      now,
      Math.min(now + idleMs, s.row.absolute_expires_at),
      s.id,
      s.row.version,
    ).changes;
    return changed === 1 ? setCookie(s.id, secretPart, Math.floor(absoluteMs / 1000)) : null;
  }

  /** A data change: verify, set one key, re-seal, compare-and-swap update. */
  function setData(cookieHeader, key, value) {
    const s = loadForWrite(cookieHeader);
    if (s === null) return false;
    s.envelope.d[key] = value;
    const now = Date.now();
    return updateData.run(seal(JSON.stringify(s.envelope), s.id), now, Math.min(now + idleMs, s.row.absolute_expires_at), s.id, s.row.version).changes === 1;
  }

  /** Logout: verify, delete, clearing Set-Cookie. */
  function logout(cookieHeader) {
    const token = split(cookieValue(cookieHeader));
    if (token === null) return null;
    const row = select.get(token[0]);
    if (row === undefined || !equal(hash(token[1]), row.secret_hash)) return null;
    remove.run(token[0]);
    return `${cookieName}=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax`;
  }

  return { load, create, rotate, setData, logout, seal, unseal, hash };
}
