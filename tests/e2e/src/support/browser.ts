import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { ARTIFACTS_DIR } from '@books/stack';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, 'screenshots');

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 860 } };
export const PHONE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * Debian's Chromium, with the flags a sealed-off CI machine needs (and any `extraArgs`). Playwright gives each
 * launch a fresh, temporary profile (its own --user-data-dir) and deletes it on close.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * A page that records what a user never sees but a test must: console errors, failed
 * scripts and Content-Security-Policy violations. Refused API calls (an intended 412) are
 * network errors, not page errors, and are left out.
 */
export async function openPage(context: BrowserContext, url: string): Promise<Page & { problems: string[] }> {
  const page = Object.assign(await context.newPage(), { problems: [] as string[] });
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  // Chromium reports CSP violations (even an eval probe caught by a library) as DevTools issues.
  const devtools = await context.newCDPSession(page);
  devtools.on('Audits.issueAdded', ({ issue }) => {
    if (issue.code === 'ContentSecurityPolicyIssue') page.problems.push(`CSP: ${JSON.stringify(issue.details.contentSecurityPolicyIssueDetails)}`);
  });
  await devtools.send('Audits.enable');
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Failed to load resource: the server responded with a status of (4\d\d|503)/.test(text)) return;
    page.problems.push(`console: ${text}`);
  });
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/** Serious and critical axe violations, described well enough to fix them. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
