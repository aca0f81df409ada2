import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { NODE_FLAGS } from '@books/stack';
import { join, posix } from 'node:path';
import { all, commandForm, copyPaths, type Instruction, last, type Stage, stageEnv } from './support/dockerfile';
import { listContext } from './support/docker-context';
import { IMAGES, type ImageSpec, PINNED_IMAGE, REPO, stagesOf } from './support/paths';

/**
 * The Dockerfiles against the repository and the real build output (the test target builds
 * gateway, books-service and web first): what each stage copies exists where it copies it
 * from, the build context holds what the builds read, the runtime stages run unprivileged
 * with a health check, and every base image is pinned.
 */
const NODE_VERSION = readFileSync(join(REPO, '.nvmrc'), 'utf8').trim();
const context = listContext(REPO);

const stageByName = (stages: Stage[], name: string) => stages.find((stage) => stage.name === name);
const workdir = (stage: Stage) => last(stage, 'WORKDIR')?.args ?? '/';

describe.each(IMAGES)('$dockerfile', (image: ImageSpec) => {
  const stages = stagesOf(image);
  const runtime = stages.at(-1)!;
  const build = stageByName(stages, 'build')!;
  const app = image.service;

  it('pins every base image to a version, never latest', () => {
    for (const stage of stages) {
      if (stageByName(stages, stage.base)) continue;
      expect(stage.base).toMatch(PINNED_IMAGE);
      if (stage.base.startsWith('node:')) expect(stage.base).toMatch(new RegExp(`^node:${NODE_VERSION.replace(/\./g, '\\.')}-`));
    }
  });

  it(`builds ${app} from the repository: npm ci, then nx build ${app}`, () => {
    expect(build).toBeDefined();
    const runs = all(build, 'RUN').map((run) => run.args);
    expect(runs).toEqual([expect.stringMatching(/^npm ci\b/), expect.stringMatching(new RegExp(`^npx nx build ${app}\\b`))]);
    // The lockfile is copied (and installed) before the sources, so source edits reuse the npm ci layer.
    const copies = all(build, 'COPY').map((copy) => copyPaths(copy).sources);
    expect(copies).toEqual([['package.json', 'package-lock.json'], ['.']]);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    for (const stage of stages) {
      for (const copy of [...all(stage, 'COPY'), ...all(stage, 'ADD')].filter((instruction) => !instruction.flags['from'])) {
        for (const source of copyPaths(copy).sources) {
          const path = posix.normalize(source).replace(/\/$/, '');
          expect([source, existsSync(join(REPO, path))]).toEqual([source, true]);
          if (path !== '.') expect([source, context.has(path)]).toEqual([source, true]);
        }
      }
    }
  });

  it('copies from earlier stages only what they produce, the build output above all', () => {
    for (const stage of stages) {
      for (const copy of all(stage, 'COPY').filter((instruction) => instruction.flags['from'])) {
        const from = stageByName(stages, copy.flags['from']);
        expect([copy.args, from && from.index < stage.index]).toEqual([copy.args, true]);
        for (const source of copyPaths(copy).sources) expect([source, producedBy(from!, source)]).toEqual([source, true]);
      }
    }
  });

  it('runs unprivileged, with a health check, on the port it exposes', () => {
    const user = last(runtime, 'USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
    const healthcheck = last(runtime, 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/^CMD\s+\S/);
    commandForm(healthcheck!.args.replace(/^CMD\s+/, ''));
    expect(all(runtime, 'EXPOSE').map((expose) => expose.args)).toEqual([String(image.port)]);
  });

  it('bakes in no secrets', () => {
    for (const stage of stages) {
      for (const instruction of [...all(stage, 'ENV'), ...all(stage, 'ARG')]) {
        expect(instruction.args).not.toMatch(/PASSWORD|SECRET|TOKEN|API_KEY|CREDENTIAL|PRIVATE/i);
      }
    }
  });
});

describe.each(IMAGES.filter((image) => image.service !== 'web'))('$dockerfile runtime', (image: ImageSpec) => {
  const stages = stagesOf(image);
  const runtime = stages.at(-1)!;
  const deps = stageByName(stages, 'deps')!;
  const dist = `dist/apps/${image.service}`;

  it("installs only the bundle's runtime dependencies, from its generated package.json and lock", () => {
    expect(deps.base).toBe(runtime.base);
    expect(all(deps, 'RUN').map((run) => run.args)).toEqual([expect.stringMatching(/^npm ci --omit=dev --ignore-scripts\b/)]);
    const copied = all(deps, 'COPY').flatMap((copy) => copyPaths(copy).sources);
    expect(copied.map((source) => posix.basename(source))).toEqual(['package.json', 'package-lock.json']);
    const generated = JSON.parse(readFileSync(join(REPO, dist, 'package.json'), 'utf8'));
    expect(generated).toEqual(expect.objectContaining({ main: 'main.js', dependencies: expect.any(Object) }));
    expect(generated.devDependencies).toBeUndefined();
  });

  it('runs the bundle with Node in production mode', () => {
    expect(stageEnv(runtime)['NODE_ENV']).toBe('production');
    const cmd = commandForm(last(runtime, 'CMD')!.args);
    // The same Node flags as the local topology the other tiers test (tools/stack).
    expect(cmd).toEqual({ exec: true, argv: ['node', ...NODE_FLAGS[image.service as keyof typeof NODE_FLAGS], 'main.js'] });
    // main.js lands in the WORKDIR: the whole dist folder is copied there.
    const bundle = all(runtime, 'COPY').find((copy) => copyPaths(copy).sources.some((source) => source.includes(dist)))!;
    expect(copyPaths(bundle).destination).toBe('./');
    expect(workdir(runtime)).toBe('/app');
    expect(existsSync(join(REPO, dist, 'main.js'))).toBe(true);
  });
});

describe('web.Dockerfile runtime', () => {
  const stages = stagesOf(IMAGES.find((image) => image.service === 'web')!);
  const runtime = stages.at(-1)!;
  const env = stageEnv(runtime);
  const destinationOf = (pattern: RegExp) => {
    const copy = all(runtime, 'COPY').find((instruction) => copyPaths(instruction).sources.some((source) => pattern.test(source)));
    return copy && copyPaths(copy).destination;
  };

  it('is the unprivileged official Nginx, serving the template through its templates mechanism', () => {
    expect(runtime.base).toMatch(/^nginxinc\/nginx-unprivileged:/);
    expect(destinationOf(/^deploy\/nginx\/default\.conf\.template$/)).toBe('/etc/nginx/templates/default.conf.template');
    expect(destinationOf(/^deploy\/nginx\/security-headers\.conf$/)).toBe(`${env['NGINX_SNIPPETS']}/security-headers.conf`);
    expect(destinationOf(/dist\/apps\/web\/browser\/?$/)?.replace(/\/$/, '')).toBe(env['WEB_ROOT']);
    expect(existsSync(join(REPO, 'dist/apps/web/browser/index.html'))).toBe(true);
    expect(env).toEqual(expect.objectContaining({ NGINX_LISTEN: '8080', GATEWAY_ADDRESS: 'gateway:3000' }));
  });

  it("removes the stock server, so the rendered template's server is the only one", () => {
    // The template renders to conf.d/default.conf; without the stock file no welcome page can
    // answer on 8080 even where the entrypoint cannot render (a read-only conf.d).
    expect(all(runtime, 'RUN').map((run) => run.args)).toContain('rm -f /etc/nginx/conf.d/default.conf');
  });
});

describe('the build context (.dockerignore)', () => {
  const inContext = (path: string) => context.has(path);

  it('holds every source file of the apps and libraries, and the workspace files the builds read', () => {
    const missing: string[] = [];
    const walk = (relative: string) => {
      for (const name of readdirSync(join(REPO, relative))) {
        const path = `${relative}/${name}`;
        if (name === 'node_modules') continue;
        if (statSync(join(REPO, path)).isDirectory()) walk(path);
        else if (!inContext(path)) missing.push(path);
      }
    };
    ['apps', 'libs'].forEach(walk);
    expect(missing).toEqual([]);
    for (const file of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', '.nvmrc', 'deploy/nginx/default.conf.template']) {
      expect([file, inContext(file)]).toEqual([file, true]);
    }
  });

  it('leaves out dependencies, build output, caches, git and local secrets', () => {
    const leaked = [...context.keys()].filter((path) =>
      /(^|\/)node_modules\/|^dist\/|^\.nx\/|^\.angular\/|^\.tools\/|^\.git\/|^artifacts\/|^\.env$|^\.env\./.test(path),
    );
    expect(leaked).toEqual([]);
    const bytes = [...context.values()].reduce((sum, size) => sum + size, 0);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
  });
});

/** True when `source` (an absolute path in `stage`) is something that stage makes or holds. */
function producedBy(stage: Stage, source: string): boolean {
  const dir = workdir(stage);
  if (stage.name === 'build') {
    // The build stage holds the repository at its WORKDIR, plus what `nx build` writes: dist/.
    if (!source.startsWith(`${dir}/`)) return false;
    const path = source.slice(dir.length + 1).replace(/\/$/, '');
    return path.startsWith('dist/') && existsSync(join(REPO, path));
  }
  // Any other stage: its own `npm ci` makes node_modules in its WORKDIR.
  const installs = all(stage, 'RUN').some((run: Instruction) => /^npm ci\b/.test(run.args));
  return installs && source.replace(/\/$/, '') === `${dir}/node_modules`;
}
