/**
 * A small Dockerfile reader: enough of the syntax (continuation lines, comments, flags, JSON
 * and shell forms, ENV pairs, stages) to check what our Dockerfiles copy, run and declare.
 * It does not expand ARG or ENV values; our Dockerfiles do not use them in paths.
 */
export interface Instruction {
  keyword: string;
  /** Everything after the keyword and its --flags. */
  args: string;
  flags: Record<string, string>;
  line: number;
}

export interface Stage {
  index: number;
  name?: string;
  base: string;
  instructions: Instruction[];
}

export interface CommandForm {
  /** Exec form (a JSON array), or a shell command run by `/bin/sh -c`. */
  exec: boolean;
  argv: string[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of logicalLines(text)) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) throw new Error(`Line ${instruction.line}: bad FROM ${instruction.args}`);
      stages.push({ index: stages.length, base, name, instructions: [] });
    } else if (!stages.length) {
      if (instruction.keyword !== 'ARG') throw new Error(`Line ${instruction.line}: ${instruction.keyword} before FROM`);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (!stages.length) throw new Error('No FROM in the Dockerfile');
  return stages;
}

function logicalLines(text: string): Instruction[] {
  const result: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i];
    if (!line.trim() || line.trim().startsWith('#')) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, '');
      i++;
      if (lines[i].trim().startsWith('#')) {
        line += '\\';
        continue;
      }
      line += ` ${lines[i].trim()}`;
    }
    const match = /^\s*(\w+)\s*(.*)$/.exec(line);
    if (!match) throw new Error(`Line ${first}: cannot read "${line}"`);
    const keyword = match[1].toUpperCase();
    let rest = match[2].trim();
    const flags: Record<string, string> = {};
    if (['COPY', 'ADD', 'RUN', 'FROM', 'HEALTHCHECK'].includes(keyword)) {
      let flag: RegExpExecArray | null;
      while ((flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest))) {
        flags[flag[1]] = flag[2] ?? 'true';
        rest = rest.slice(flag[0].length);
      }
    }
    result.push({ keyword, args: rest, flags, line: first });
  }
  return result;
}

/** CMD, ENTRYPOINT, RUN or HEALTHCHECK CMD arguments: a JSON array is the exec form. */
export function commandForm(args: string): CommandForm {
  if (args.startsWith('[')) {
    // Docker silently runs an invalid JSON array as a shell command; here it is an error.
    const argv = JSON.parse(args) as unknown;
    if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) throw new Error(`Not an array of strings: ${args}`);
    return { exec: true, argv };
  }
  return { exec: false, argv: ['/bin/sh', '-c', args] };
}

/** The paths of COPY/ADD: sources, then the destination (exec or whitespace form). */
export function copyPaths(instruction: Instruction): { sources: string[]; destination: string } {
  const paths = instruction.args.startsWith('[') ? (JSON.parse(instruction.args) as string[]) : instruction.args.split(/\s+/);
  if (paths.length < 2) throw new Error(`Line ${instruction.line}: ${instruction.keyword} needs a source and a destination`);
  return { sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
}

/** ENV's variables: `KEY=value KEY2="quoted value"`, or the old `ENV KEY value` form. */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!/^[\w.-]+=/.test(args)) {
    const [key, ...value] = args.split(/\s+/);
    pairs[key] = value.join(' ');
    return pairs;
  }
  const pattern = /([\w.-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)\s*/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < args.length && (match = pattern.exec(args))) {
    let value = match[2];
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (value.startsWith("'")) value = value.slice(1, -1);
    else value = value.replace(/\\(.)/g, '$1');
    pairs[match[1]] = value;
  }
  if (pattern.lastIndex < args.length) throw new Error(`Cannot read ENV ${args}`);
  return pairs;
}

/** All ENV values a stage sets, later ones winning. */
export function stageEnv(stage: Stage): Record<string, string> {
  return Object.assign({}, ...stage.instructions.filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args)));
}

export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}
