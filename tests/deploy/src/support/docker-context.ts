import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The files `docker build` sends for a context folder, by the rules of its .dockerignore
 * (Docker's own matcher, moby/patternmatcher): patterns are relative to the context root;
 * `*` and `?` stay inside one path segment, `**` spans any number of them; a pattern that
 * matches a folder excludes everything below it; `!` re-includes; the last match wins.
 */
export interface IgnorePattern {
  source: string;
  exclusion: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    const cleaned = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (!cleaned || cleaned === '.') continue;
    patterns.push({ source: raw.trim(), exclusion, regex: compile(cleaned) });
  }
  return patterns;
}

function compile(pattern: string): RegExp {
  let regex = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') i++;
      regex += i + 1 >= pattern.length ? '.*' : '(.*/)?';
    } else if (ch === '*') {
      regex += '[^/]*';
    } else if (ch === '?') {
      regex += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      regex += `\\${pattern[++i]}`;
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`Unclosed [ in .dockerignore pattern ${pattern}`);
      regex += pattern.slice(i, end + 1).replace('[!', '[^');
      i = end;
    } else {
      regex += /[.+^${}()|]/.test(ch) ? `\\${ch}` : ch;
    }
  }
  return new RegExp(`${regex}$`);
}

/** True when the path (relative, with /) or one of its parent folders is excluded. */
export function isExcluded(path: string, patterns: IgnorePattern[]): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.exclusion;
  }
  return excluded;
}

/** Every file of the build context, relative to `root`, with its size. */
export function listContext(root: string): Map<string, number> {
  let patterns: IgnorePattern[] = [];
  try {
    patterns = parseDockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
  } catch {
    // no .dockerignore: everything is sent
  }
  const reincludes = patterns.some((pattern) => pattern.exclusion);
  const files = new Map<string, number>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      const excluded = isExcluded(path, patterns);
      if (entry.isDirectory()) {
        // An excluded folder is skipped whole unless a `!` pattern may bring something back.
        if (!excluded || reincludes) walk(path);
      } else if (!excluded) {
        files.set(path, statSync(join(root, path)).size);
      }
    }
  };
  walk('');
  return files;
}
