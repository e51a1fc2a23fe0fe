import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../../examples/fullstack/build.mjs';
import { launchChromiumOrSkip } from '../helpers/browser.js';
import { startApp } from '../helpers/example-app.js';

const SHOTS = join(process.cwd(), 'test-output', 'e2e');
const browser: Browser | null = await launchChromiumOrSkip();

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-state]');
  return page;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('[data-testid="login-form"] input[name=username]', username);
  await page.fill('[data-testid="login-form"] input[name=password]', password);
  await page.click('[data-testid="login-form"] button');
  await page.waitForSelector('body[data-state="signed-in"]');
}

async function addToCart(page: Page, item: string): Promise<void> {
  const before = Number(await page.getAttribute('[data-testid="cart-items"]', 'data-count'));
  await page.fill('[data-testid="cart-form"] input[name=item]', item);
  await page.click('[data-testid="cart-form"] button');
  await page.waitForSelector(`[data-testid="cart-items"][data-count="${before + 1}"], body[data-state="anonymous"]`);
}

describe.skipIf(browser === null)('the example page in a real browser (Debian Chromium)', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildExample();
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('signs in, keeps the anonymous cart, lists two devices, revokes one, changes the password, signs out', async () => {
    const laptop = await browser!.newContext({ userAgent: 'Laptop browser' });
    const phone = await browser!.newContext({ userAgent: 'Phone browser' });
    const a = await open(laptop, app.url);
    expect(await a.textContent('[data-testid="status"]')).toBe('Anonymous visitor');
    await addToCart(a, 'apple');
    await shot(a, '1-anonymous-cart');
    await signIn(a, 'alice', 'alice-password');
    await addToCart(a, 'pear');
    expect(await a.locator('[data-testid="cart-items"] li').allTextContents()).toEqual(['apple', 'pear']);
    expect(await a.textContent('[data-testid="status"]')).toBe('Signed in as user-alice');
    await shot(a, '2-signed-in');

    // The development cookie over plain http on 127.0.0.1, read from the browser's own jar.
    const [devCookie] = await laptop.cookies(app.url);
    expect(devCookie).toMatchObject({ name: 'sid', httpOnly: true, secure: false, sameSite: 'Lax', path: '/' });

    const b = await open(phone, app.url);
    await signIn(b, 'alice', 'alice-password');
    await a.reload();
    await a.waitForSelector('[data-testid="session-rows"] tr:nth-child(2)');
    expect(await a.locator('[data-testid="session-rows"] tr').count()).toBe(2);
    expect(await a.locator('[data-testid="this-device"]').count()).toBe(1);
    expect(await a.locator('[data-testid="session-rows"] tr', { has: a.locator('[data-testid="this-device"]') }).textContent()).toContain('Laptop browser');
    await shot(a, '3-two-devices');

    await a.click('[data-testid="revoke"]');
    await a.waitForFunction(() => document.querySelectorAll('[data-testid="session-rows"] tr').length === 1);
    await addToCart(b, 'from the revoked phone');
    await b.waitForSelector('body[data-state="anonymous"]');
    expect(await b.textContent('[data-testid="status"]')).toBe('Anonymous visitor');
    await shot(b, '4-phone-after-revoke');

    await signIn(b, 'alice', 'alice-password');
    await a.fill('[data-testid="password-form"] input[name=currentPassword]', 'alice-password');
    await a.fill('[data-testid="password-form"] input[name=newPassword]', 'alice-password-2');
    await a.click('[data-testid="password-form"] button');
    await a.waitForSelector('[data-testid="message"].ok:has-text("Password changed")');
    await b.reload();
    await b.waitForSelector('body[data-state="anonymous"]');
    await a.reload();
    await a.waitForSelector('body[data-state="signed-in"]');
    await shot(a, '5-after-password-change');

    await a.click('[data-testid="logout"]');
    await a.waitForSelector('body[data-state="anonymous"]');
    expect(await laptop.cookies(app.url)).toEqual([]);
    await shot(a, '6-signed-out');
    await app.users.changePassword('user-alice', 'alice-password-2', 'alice-password');
    await laptop.close();
    await phone.close();
  });

  it('over HTTPS the browser holds __Host-sid with Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
    try {
      // A self-signed certificate made at test time; Chromium is told to accept it.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const secureApp = await startApp({ tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') } });
      try {
        const context = await browser!.newContext({ ignoreHTTPSErrors: true });
        const page = await open(context, secureApp.url);
        await signIn(page, 'bob', 'bob-password');
        await shot(page, '7-https-signed-in');
        const cookies = await context.cookies(secureApp.url);
        expect(cookies).toHaveLength(1);
        expect(cookies[0]).toMatchObject({ name: '__Host-sid', secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
        expect(cookies[0]?.domain).toBe('127.0.0.1');
        await context.close();
      } finally {
        await secureApp.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
