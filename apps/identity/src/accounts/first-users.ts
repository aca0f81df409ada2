import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashPassword } from './password';

/** The users a new installation starts with: one per role, so each can be tried at once. */
const FIRST_USERS = [
  { username: 'admin', name: 'Ada Admin', roles: ['admin', 'editor'] },
  { username: 'editor', name: 'Edith Editor', roles: ['editor'] },
  { username: 'reader', name: 'Rita Reader', roles: [] },
] as const;

/** Where the first users' passwords are written, beside the users file, readable by the owner only. */
export function firstPasswordsFile(usersFile: string): string {
  return join(dirname(usersFile), 'initial-passwords.txt');
}

/**
 * Writes a users file with an admin, an editor and a reader, each with a new random password,
 * when there is no users file (IDENTITY_GENERATE_USERS, as Compose runs it). The passwords are
 * made here, on the installation's own volume, so no installation shares them with another
 * (nothing in the repository signs anyone in); they are written once to initial-passwords.txt
 * and returned for the log. Change or remove those users before others can reach the site.
 * Returns undefined when a users file exists.
 */
export async function createUsersFileIfMissing(path: string): Promise<Array<{ username: string; password: string }> | undefined> {
  if (existsSync(path)) return undefined;
  const made = await Promise.all(
    FIRST_USERS.map(async (user) => {
      const password = randomBytes(12).toString('base64url');
      return { entry: { subject: randomUUID(), ...user, roles: [...user.roles], passwordHash: await hashPassword(password) }, password };
    }),
  );
  // wx: never overwrite a file that appeared meanwhile.
  writeFileSync(path, `${JSON.stringify(made.map(({ entry }) => entry), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  const lines = made.map(({ entry, password }) => `${entry.username}\t${password}\t(${entry.roles.join(', ') || 'reads only'})`);
  writeFileSync(firstPasswordsFile(path), `# The first users of this installation. Change or remove them before others can reach the site.\n${lines.join('\n')}\n`, { mode: 0o600 });
  return made.map(({ entry, password }) => ({ username: entry.username, password }));
}
