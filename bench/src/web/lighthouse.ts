import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@books/stack';

export const CHROMIUM = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
/** Debian's Chromium, headless and quiet: no sandbox (we run as root), no network chatter of its own. */
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'] as const;

export type LighthouseReport =
  | {
      ran: true;
      url: string;
      lighthouseVersion: string;
      formFactor: string;
      /** 0-100 per category. */
      scores: Record<(typeof CATEGORIES)[number], number | null>;
      metrics: Record<string, string>;
      /** Audits below a perfect score in accessibility and best practices. */
      findings: string[];
      reportFile: string;
    }
  | { ran: false; reason: string };

interface LighthouseJson {
  lighthouseVersion: string;
  configSettings: { formFactor: string };
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<string, { title: string; score: number | null; scoreDisplayMode: string; displayValue?: string }>;
}

/**
 * Lighthouse's default (mobile, simulated throttling) run of `url`, with the `lighthouse`
 * CLI in a child process and Debian's Chromium. Never throws: a run that cannot happen
 * says why.
 */
export async function runLighthouse(url: string, outDir: string): Promise<LighthouseReport> {
  const cli = join(WORKSPACE_ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js');
  if (!existsSync(cli)) return { ran: false, reason: 'the lighthouse package is not installed (npm ci)' };
  if (!existsSync(CHROMIUM)) return { ran: false, reason: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROME_PATH)` };
  const profile = mkdtempSync(join(tmpdir(), 'bench-lighthouse-'));
  const reportFile = join(outDir, 'lighthouse.json');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          cli,
          url,
          '--output=json',
          `--output-path=${reportFile}`,
          `--only-categories=${CATEGORIES.join(',')}`,
          // The last --user-data-dir wins: a fresh profile of our own, deleted afterwards.
          `--chrome-flags=${[...CHROME_FLAGS, `--user-data-dir=${profile}`].join(' ')}`,
          '--no-enable-error-reporting',
          '--quiet',
        ],
        { env: { ...process.env, CHROME_PATH: CHROMIUM }, timeout: 180_000, maxBuffer: 16 << 20 },
        (error, _stdout, stderr) => (error ? reject(new Error(`${error.message.split('\n')[0]}\n${stderr.trim().split('\n').slice(-5).join('\n')}`)) : resolve()),
      );
    });
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LighthouseJson;
    const scores = Object.fromEntries(
      CATEGORIES.map((id) => [id, report.categories[id]?.score === null || report.categories[id] === undefined ? null : Math.round((report.categories[id].score ?? 0) * 100)]),
    ) as Record<(typeof CATEGORIES)[number], number | null>;
    const metrics = Object.fromEntries(METRICS.map((id) => [id, report.audits[id]?.displayValue ?? 'n/a']));
    const findings: string[] = [];
    for (const id of ['accessibility', 'best-practices'] as const) {
      for (const ref of report.categories[id]?.auditRefs ?? []) {
        const audit = report.audits[ref.id];
        if (audit && audit.scoreDisplayMode === 'binary' && audit.score !== null && audit.score < 1) findings.push(`${id}: ${audit.title}`);
      }
    }
    return { ran: true, url, lighthouseVersion: report.lighthouseVersion, formFactor: report.configSettings.formFactor, scores, metrics, findings, reportFile };
  } catch (error) {
    return { ran: false, reason: `Lighthouse failed: ${(error as Error).message}` };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
