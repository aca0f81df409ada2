import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsersFileIfMissing, firstPasswordsFile } from './first-users';
import { verifyPassword } from './password';
import { UserDirectory } from './users';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'identity-first-users-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe(createUsersFileIfMissing.name, () => {
  it('makes an admin, an editor and a reader whose new passwords sign them in', async () => {
    const path = join(dir, 'users.json');
    const made = await createUsersFileIfMissing(path);
    expect(made?.map((user) => user.username)).toEqual(['admin', 'editor', 'reader']);
    const users = UserDirectory.fromFile(path);
    for (const { username, password } of made ?? []) {
      expect(await verifyPassword(password, users.byName(username)!.passwordHash)).toBe(true);
    }
    expect(users.byName('admin')?.roles).toEqual(['admin', 'editor']);
    expect(users.byName('reader')?.roles).toEqual([]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(firstPasswordsFile(path)).mode & 0o777).toBe(0o600);
    expect(readFileSync(firstPasswordsFile(path), 'utf8')).toContain(made![1].password);
  });

  it('makes different passwords for every installation', async () => {
    const [one, two] = [await createUsersFileIfMissing(join(dir, 'a.json')), await createUsersFileIfMissing(join(dir, 'b.json'))];
    expect(one?.map((user) => user.password)).not.toEqual(two?.map((user) => user.password));
  });

  it('leaves an existing users file alone', async () => {
    const path = join(dir, 'users.json');
    writeFileSync(path, '[]');
    expect(await createUsersFileIfMissing(path)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('[]');
  });
});
