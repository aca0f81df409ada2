import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findWorkspaceRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`No nx.json above ${from}`);
}

/** The repository root, wherever this code runs from (Jest, tsx, a bundle). */
export const WORKSPACE_ROOT = findWorkspaceRoot(__dirname);

export const TOOLS_DIR = process.env['TOOLS_DIR'] ?? join(WORKSPACE_ROOT, '.tools');

/** Where runs keep logs and screenshots; not committed. */
export const ARTIFACTS_DIR = join(WORKSPACE_ROOT, 'artifacts');
