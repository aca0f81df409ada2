import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@books/stack';

/** Node options that make an app listen for a debugger on a free port (it logs the URL). */
export const INSPECT_NODE_OPTIONS = '--inspect=127.0.0.1:0';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ShareEntry {
  name: string;
  ms: number;
  /** Share of the process's busy (non-idle) sampled time, in %. */
  share: number;
}

export interface ProfileSummary {
  process: string;
  busyMs: number;
  byPackage: ShareEntry[];
  topFunctions: ShareEntry[];
  file: string;
}

/** One Chrome DevTools Protocol session on a Node process, over the WebSocket it logged. */
class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static open(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new InspectorSession(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`Cannot open the inspector at ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Samples the gateway and books-service replicas with V8's CPU profiler during each measured
 * run only (not start-up, not warm-up), through the inspector each app opened because the
 * harness started it with NODE_OPTIONS=--inspect. Profiles are saved as .cpuprofile (open them
 * in Chrome DevTools) and summarised by package and by function.
 */
export class AppProfiler {
  private constructor(
    private readonly sessions: { process: string; session: InspectorSession }[],
    private readonly outDir: string,
  ) {}

  /** `apps`: process name and log file (where Node printed "Debugger listening on ws://..."). */
  static async attach(apps: { process: string; logFile: string }[], outDir: string): Promise<AppProfiler> {
    const sessions = [];
    for (const app of apps) {
      const url = await waitFor(`the inspector URL of ${app.process}`, () => /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(app.logFile, 'utf8'))?.[1], {
        timeoutMs: 5_000,
      });
      const session = await InspectorSession.open(url);
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 500 });
      sessions.push({ process: app.process, session });
    }
    return new AppProfiler(sessions, outDir);
  }

  async start(): Promise<void> {
    await Promise.all(this.sessions.map(({ session }) => session.send('Profiler.start')));
  }

  /** Stops sampling; saves and summarises one profile per process. */
  async stop(label: string): Promise<ProfileSummary[]> {
    const profiles = await Promise.all(
      this.sessions.map(async ({ process, session }) => ({ process, profile: (await session.send<{ profile: CpuProfile }>('Profiler.stop')).profile })),
    );
    return profiles.map(({ process, profile }) => {
      const file = join(this.outDir, `${label}-${process}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return { process, file, ...summarise(profile) };
    });
  }

  close(): void {
    for (const { session } of this.sessions) session.close();
  }
}

/** Which package (or part of Node) a sampled function belongs to. */
function packageOf(frame: CpuProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (inModules) return inModules[1];
  if (frame.url.startsWith('node:')) return 'node core';
  if (frame.url.includes('/dist/apps/')) return 'our code (bundle)';
  return frame.url;
}

function summarise(profile: CpuProfile): Omit<ProfileSummary, 'process' | 'file'> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busy += micros;
    const pkg = packageOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${pkg}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  });
  const top = (map: Map<string, number>, n: number): ShareEntry[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 100) / 10, share: busy ? Math.round((micros / busy) * 1000) / 10 : 0 }));
  return { busyMs: Math.round(busy / 1000), byPackage: top(byPackage, 10), topFunctions: top(byFunction, 12) };
}
