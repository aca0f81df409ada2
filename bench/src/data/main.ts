/**
 * Writes a generated data set: `npm run bench:data -- --count 100000 --seed 1 --out books.csv`.
 * See bench/README.md ("Data sets").
 */
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS } from '@books/contracts';
import { type BookFileFormat, encodeBooks } from './book-files';
import { generateBooks } from './generate-books';

const USAGE = `Usage: npm run bench:data -- [options]

  --count 100000          books to write (default 100000)
  --seed 1                whole number from 0 to 4294967295: the same seed, the same file (default 1)
  --format ndjson         ${EXPORT_FORMATS.join(', ')} (default: from --out's extension, else ndjson)
  --out <file>            where to write (default: standard output)
`;

interface DataOptions {
  count: number;
  seed: number;
  format: BookFileFormat;
  out?: string;
}

function parseOptions(argv: string[]): DataOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const wholeNumber = (name: string, text: string, max: number): number => {
    // Digits only: Number('') is 0 and Number('1e5') is 100000.
    const value = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
    if (!(value <= max)) throw new Error(`--${name} must be a whole number from 0 to ${max}, not ${JSON.stringify(text)}`);
    return value;
  };
  const format = values.format ?? (values.out ? formatOf(values.out) : undefined) ?? 'ndjson';
  if (!isFormat(format)) throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  return { count: wholeNumber('count', values.count, 10_000_000), seed: wholeNumber('seed', values.seed, 0xffff_ffff), format, out: values.out };
}

function formatOf(path: string): BookFileFormat | undefined {
  const extension = extname(path).slice(1).toLowerCase();
  return extension === 'jsonl' ? 'ndjson' : isFormat(extension) ? extension : undefined;
}

function isFormat(text: string): text is BookFileFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(text);
}

async function main(): Promise<void> {
  let options: DataOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const started = performance.now();
  const text = Readable.from(encodeBooks(generateBooks(options), options.format));
  try {
    await pipeline(text, options.out ? createWriteStream(options.out) : process.stdout);
  } catch (error) {
    // `| head` closing the pipe early is the reader's choice, not a failure.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw error;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`${options.count} books (seed ${options.seed}, ${options.format}) written to ${options.out ?? 'standard output'} in ${seconds} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
