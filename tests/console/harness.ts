/**
 * The console's browser harness: the real service (compiled, on a fresh
 * PostgreSQL database, with its SMTP sink) and Debian's chromium driven through
 * playwright-core. Each suite: `const h = consoleHarness(this)` inside its
 * describe, then `h.svc`, `h.newPage()`, `h.signIn(page, email)`,
 * `h.screenshot(page, 'users')`, `h.axe(page)`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startService, type RunningService } from '../helpers/service.js';
import { DEFAULT_PASSWORD } from '../helpers/users.js';

/** Where the screenshots go (git-ignored; the README names it). */
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'console');

const CODE_IN_MAIL = /code is (\d{6})/;
const LOGIN_SUBJECT = /Login Verification Code/;
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's chromium, or one on the PATH; undefined only when there is none at all. */
export function findChromium(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => [join(dir, 'chromium'), join(dir, 'chromium-browser')]);
  return ['/usr/bin/chromium', ...onPath].find((p) => existsSync(p));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsoleHarness {
  readonly svc: RunningService;
  readonly context: BrowserContext;
  /** Console errors and page errors seen by any page (a CSP violation shows here). */
  readonly errors: string[];
  /** Every URL any page requested (the console loads nothing from elsewhere). */
  readonly requests: string[];
  newPage(width?: number): Promise<Page>;
  /** Signs in through the form: password, then the code the service mailed (read from the SMTP sink). */
  signIn(page: Page, email: string, password?: string): Promise<void>;
  /** Saves test-results/console/<name>.png (full page). */
  screenshot(page: Page, name: string): Promise<string>;
  /** axe-core's serious and critical violations on the page as it is now. */
  axe(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]>;
}

/** Sets up before/after hooks in the calling describe; skips the suite when there is no chromium. */
export function consoleHarness(suite: Mocha.Suite, env: Record<string, string> = {}): ConsoleHarness {
  const chromiumPath = findChromium();
  let svc: RunningService | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  const errors: string[] = [];
  const requests: string[] = [];
  suite.timeout(180_000);

  suite.beforeAll(async function () {
    if (!chromiumPath) {
      console.log('\n    SKIPPED: no Chromium at /usr/bin/chromium nor on the PATH (apt-get install chromium); the console was not checked in a browser.\n');
      this.skip();
    }
    svc = await startService(env);
    profile = mkdtempSync(join(tmpdir(), 'nexus-console-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: ARGS, timeout: 30_000, acceptDownloads: true });
  });
  suite.afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await svc?.stop();
  });

  const harness: ConsoleHarness = {
    get svc() {
      return svc!;
    },
    get context() {
      return context!;
    },
    errors,
    requests,
    async newPage(width = 1280) {
      const page = await context!.newPage();
      await page.setViewportSize({ width, height: 900 });
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      return page;
    },
    async signIn(page, email, password = DEFAULT_PASSWORD) {
      await page.goto(`${svc!.baseUrl}/console/`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(password);
      const before = svc!.mail.mails.length;
      await page.getByRole('button', { name: 'Continue' }).click();
      const mail = await svc!.mail.waitFor(email, LOGIN_SUBJECT, 15_000, before);
      const code = CODE_IN_MAIL.exec(mail.text)?.[1];
      expect(code, 'the mailed login code').to.match(/^\d{6}$/);
      await page.getByLabel('Code from the e-mail').fill(code!);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async axe(page) {
      await page.evaluate(AXE_SOURCE);
      return page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      });
    },
  };
  return harness;
}
