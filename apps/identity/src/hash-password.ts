import { stdin, stdout, stderr } from 'node:process';
import { createInterface } from 'node:readline';
import { hashPassword } from './accounts/password';

/**
 * Prints the scrypt hash of a password, for the `passwordHash` of a user in the users file:
 *
 *   npm run identity:hash-password            # asks for it (not echoed)
 *   printf %s "$PASSWORD" | node dist/apps/identity/hash-password.js
 *
 * The password is never taken as an argument, where shell history and `ps` would keep it.
 */
async function readPassword(): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const prompt = 'Password (not shown): ';
  stderr.write(prompt);
  const lines = createInterface({ input: stdin, output: undefined, terminal: true });
  // No echo: the terminal is in raw mode and nothing is written back.
  return new Promise((resolve) =>
    lines.once('line', (line) => {
      lines.close();
      stderr.write('\n');
      resolve(line);
    }),
  );
}

async function main(): Promise<void> {
  const password = await readPassword();
  if (password.length < 12) throw new Error('Use a password of 12 characters or more');
  stdout.write(`${await hashPassword(password)}\n`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
