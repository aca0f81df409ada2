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

/**
 * What to do when a process dies by itself (crash, OOM kill, `kill -9`): start it again after
 * a delay that doubles on each failure up to `maxDelayMs`, as Docker's restart policies do.
 * The delay starts over once the process has stayed up for `resetAfterMs`.
 */
export interface RestartPolicy {
  initialDelayMs?: number;
  maxDelayMs?: number;
  resetAfterMs?: number;
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
  private restartPolicy?: Required<RestartPolicy>;
  /** Set by stop() and kill(): an exit the caller asked for is not restarted. */
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private failures = 0;
  private readySince = 0;

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

  /**
   * From now on, restart the process whenever it exits without stop() or kill() (which tests
   * use to crash it on purpose), with backoff, and say so in its log.
   */
  restartOnExit(policy: RestartPolicy = {}): this {
    this.restartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, resetAfterMs: 60_000, ...policy };
    return this;
  }

  async start(): Promise<this> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.stopping = false;
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
    void this.exit.then((status) => this.exitedByItself(child, status));
    try {
      await Promise.race([
        waitFor(`${this.name} to be ready`, () => this.spec.ready(), { timeoutMs: this.spec.readyTimeoutMs ?? 30_000 }),
        exitedEarly,
      ]);
    } catch (error) {
      killGroup(this.child);
      throw new Error(`${this.name} did not start: ${(error as Error).message}\n--- last lines of ${this.spec.logFile} ---\n${this.tail()}`);
    }
    this.readySince = Date.now();
    return this;
  }

  private exitedByItself(child: ChildProcess, { code, signal }: ExitStatus): void {
    const policy = this.restartPolicy;
    if (!policy || this.stopping || child !== this.child || this.restartTimer) return;
    // What it left behind in its process group (an Nginx master's workers) would hold its port.
    killGroup(child);
    if (this.readySince && Date.now() - this.readySince >= policy.resetAfterMs) this.failures = 0;
    this.readySince = 0;
    const delayMs = Math.min(policy.initialDelayMs * 2 ** this.failures, policy.maxDelayMs);
    this.failures += 1;
    this.note(`exited (${signal ?? `code ${code}`}); restarting in ${delayMs} ms (restart ${this.failures} in a row)`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.start().then(
        () => this.note(`restarted (pid ${this.pid}) and ready`),
        // The failed attempt's exit schedules the next one.
        (error: Error) => this.note(`restart failed: ${error.message.split('\n')[0]}`),
      );
    }, delayMs);
  }

  /** A line from the stack itself, in the process's log (and on screen when echoing). */
  private note(message: string): void {
    const line = `[stack] ${new Date().toISOString()} ${this.name} ${message}`;
    if (this.log && !this.log.writableEnded) this.log.write(`${line}\n`);
    if (this.spec.echo) process.stdout.write(`[${this.name}] ${line}\n`);
  }

  /**
   * SIGTERM (or another signal that asks for a graceful stop, such as nats-server's SIGUSR2),
   * and SIGKILL if it has not exited after `graceMs`. Resolves with how it exited.
   */
  async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus | undefined> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (!this.child || !this.exit) return undefined;
    if (this.running) {
      this.child.kill('SIGCONT');
      this.child.kill(signal);
      const timer = setTimeout(() => this.child && killGroup(this.child), graceMs);
      await this.exit.finally(() => clearTimeout(timer));
    }
    // What it printed last may still be in the pipes (or a child of it may still hold them):
    // detach them first, so nothing is written to the log after it ends.
    for (const stream of [this.child.stdout, this.child.stderr]) if (this.log) stream?.unpipe(this.log);
    this.log?.end();
    return this.exit;
  }

  /** Dies at once, as after a crash or an OOM kill: no shutdown hooks run. */
  async kill(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
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
