import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface FileSize {
  file: string;
  bytes: number;
  /** gzip at level 6, what Nginx's `gzip_comp_level 6` sends. */
  gzip: number;
  /** brotli at quality 11, what a pre-compressing CDN or build step would send. */
  brotli: number;
}

export interface InitialJsReport {
  dir: string;
  /** Scripts index.html loads directly (script src, modulepreload), plus what they import statically. */
  initial: FileSize[];
  total: Omit<FileSize, 'file'>;
  /** Every other script of the build (lazy chunks), for scale. */
  lazy: Omit<FileSize, 'file'> & { files: number };
  styles: FileSize[];
}

function sizeOf(dir: string, file: string): FileSize {
  const content = readFileSync(join(dir, file));
  return {
    file,
    bytes: content.length,
    gzip: gzipSync(content, { level: 6 }).length,
    brotli: brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    }).length,
  };
}

function sum(files: FileSize[]): Omit<FileSize, 'file'> {
  return files.reduce((total, f) => ({ bytes: total.bytes + f.bytes, gzip: total.gzip + f.gzip, brotli: total.brotli + f.brotli }), { bytes: 0, gzip: 0, brotli: 0 });
}

/** Relative files a script imports statically (`import"./x.js"`, `from"./x.js"`), not `import()`. */
function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) found.add(match[1]);
  return [...found];
}

/** The initial JavaScript of the production web build, raw and compressed. */
export function initialJavaScript(dir: string): InitialJsReport | undefined {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const html = readFileSync(indexFile, 'utf8');
  const direct = new Set<string>();
  for (const tag of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) direct.add(tag[1]);
  for (const tag of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(tag[0]);
    if (href) direct.add(href[1]);
  }
  const initial = [...direct].filter((file) => !/^[a-z]+:\/\//.test(file)).map((file) => file.replace(/^\.?\//, ''));
  for (let i = 0; i < initial.length; i++) {
    for (const imported of staticImports(readFileSync(join(dir, initial[i]), 'utf8'))) if (!initial.includes(imported)) initial.push(imported);
  }
  const sizes = initial.map((file) => sizeOf(dir, file));
  const scripts = readdirSync(dir).filter((file) => file.endsWith('.js') && !initial.includes(file));
  const lazy = scripts.map((file) => sizeOf(dir, file));
  const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((match) => sizeOf(dir, match[1]));
  return { dir, initial: sizes, total: sum(sizes), lazy: { ...sum(lazy), files: lazy.length }, styles };
}
