import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium (the `chromium` package; no browser download), driven by playwright-core.
 * CHROMIUM_PATH overrides where it is.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors seen on the page: a test expects none. */
  errors: string[];
}

export interface OpenOptions {
  /** Browser permissions granted to the app's origin, e.g. ['notifications']. */
  permissions?: string[];
  /** A script run in the page before the app (test instrumentation). */
  initScript?: () => void;
}

/** A fresh browser profile (its own cookies) showing the app, in Japanese and Tokyo time. */
export async function openApp(browser: Browser, baseUrl: string, options: OpenOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 800 },
  });
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: baseUrl });
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const text = message.text();
    // Expected: "not signed in" when the app asks who is signed in, and refused or dropped
    // connections while a test stops the server (a request caught on a kept-alive connection the
    // stopping server closes is ERR_SOCKET_NOT_CONNECTED).
    const expected =
      (/status of 401/.test(text) && url.endsWith('/api/me')) ||
      /ERR_CONNECTION_(REFUSED|RESET)|ERR_SOCKET_NOT_CONNECTED|ERR_INTERNET_DISCONNECTED|WebSocket connection/.test(text);
    if (!expected) errors.push(`console: ${text} (${url})`);
  });
  await page.goto('/');
  return { context, page, errors };
}

/** Sign in through the form and wait for the signed-in screen. */
export async function signIn(person: Person, loginId: string, password: string): Promise<void> {
  const { page } = person;
  await page.getByTestId('login-id').fill(loginId);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('nav-messages').waitFor();
  await waitConnected(page);
}

/** The real-time connection is up (the banner is not showing a disconnection). */
export async function waitConnected(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-banner"][data-connection="connected"]').waitFor({ state: 'attached' });
}

export async function openSignedIn(browser: Browser, baseUrl: string, loginId: string, password: string, options: OpenOptions = {}): Promise<Person> {
  const person = await openApp(browser, baseUrl, options);
  await signIn(person, loginId, password);
  return person;
}

const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR ?? 'artifacts/screenshots');

/** Keep a picture of a screen for people to look at in CI output (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Open a conversation from the sidebar by its title. */
export async function openConversation(page: Page, title: string): Promise<void> {
  await page.getByTestId('conversation-item').filter({ hasText: title }).first().click();
  await page.getByTestId('conversation-heading').filter({ hasText: title }).waitFor();
}

/** Type a message into the composer and send it with Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** The messages in view with exactly this body. */
export function messagesWithBody(page: Page, body: string): Locator {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(body, { exact: true }) });
}

/** Poll until `check` holds (or throw with its last value after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
