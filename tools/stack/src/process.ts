import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { waitFor } from './wait';

export interface ProcessSpec {
  /** Shown in errors and log prefixes: `books-service-1`. */
  name: string;
  command: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** File that receives stdout and stderr. */
  logFile: string;
  /** Also copy output to this process's stdout, each line prefixed with the name. */
  echo?: boolean;
  /** Resolves true once the process serves; polled until `readyTimeoutMs`. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// Children must not outlive a test run that crashed or was interrupted. Each runs in its own
// process group, killed as a whole: a SIGKILLed Nginx master would leave its workers behind.
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess) => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
};
const killAll = () => running.forEach(killGroup);
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    // Listening replaces Node's default of exiting; exit unless someone else (npm start) handles it.
    if (process.listenerCount(signal) > 1) return;
    killAll();
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 1));
  });
}

/** A server process started by the stack: started, health-checked, stopped, killed, paused. */
export class ManagedProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exit?: Promise<ExitStatus>;

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<this> {
    if (this.running) throw new Error(`${this.name} is already running`);
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(this.spec.command, this.spec.args ?? [], {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the orchestrator (npm start,
      // a test), which stops the servers in order, and killAll can kill a server's children.
      detached: true,
    });
    this.child = child;
    running.add(child);
    for (const stream of [child.stdout, child.stderr]) {
      stream?.pipe(this.log, { end: false });
      if (this.spec.echo) stream?.on('data', (chunk: Buffer) => echoLines(this.name, chunk));
    }
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
      child.once('error', (error) => {
        this.log?.write(`spawn failed: ${error.message}\n`);
        running.delete(child);
        resolve({ code: -1, signal: null });
      });
    });
    const exitedEarly = this.exit.then(({ code, signal }) => {
      throw new Error(`it exited (${signal ?? `code ${code}`}) while starting`);
    });
    exitedEarly.catch(() => undefined);
    try {
      await Promise.race([
        waitFor(`${this.name} to be ready`, () => this.spec.ready(), { timeoutMs: this.spec.readyTimeoutMs ?? 30_000 }),
        exitedEarly,
      ]);
    } catch (error) {
      killGroup(this.child);
      throw new Error(`${this.name} did not start: ${(error as Error).message}\n--- last lines of ${this.spec.logFile} ---\n${this.tail()}`);
    }
    return this;
  }

  /** SIGTERM, and SIGKILL if it has not exited after `graceMs`. Resolves with how it exited. */
  async stop(graceMs = 10_000): Promise<ExitStatus | undefined> {
    if (!this.child || !this.exit) return undefined;
    if (this.running) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child && killGroup(this.child), graceMs);
      await this.exit.finally(() => clearTimeout(timer));
    }
    this.log?.end();
    return this.exit;
  }

  /** Dies at once, as after a crash or an OOM kill: no shutdown hooks run. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** Freezes the process (SIGSTOP): its sockets stay open but it answers nothing. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }

  /** Resolves when the process exits by itself (or is stopped). */
  exited(): Promise<ExitStatus | undefined> {
    return this.exit ?? Promise.resolve(undefined);
  }

  /** The last lines it logged, for error messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

function echoLines(name: string, chunk: Buffer): void {
  for (const line of chunk.toString('utf8').split('\n')) {
    if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
  }
}
