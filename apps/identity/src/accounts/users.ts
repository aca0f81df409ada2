import * as z from 'zod';
import { readJsonFile } from '../files';
import { passwordHashProblem } from './password';

const user = z.strictObject({
  /** Stable and never reused: the `sub` of every token; a username may change, this may not. */
  subject: z.string().min(1).max(255),
  username: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  roles: z.array(z.string().regex(/^[\w:.-]+$/, { error: 'a role is letters, digits, _ : . or -' })).default([]),
  passwordHash: z.string().superRefine((value, context) => {
    const problem = passwordHashProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
});

export type User = z.output<typeof user>;

const users = z.array(user).superRefine((list, context) => {
  for (const key of ['subject', 'username'] as const) {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      const value = key === 'username' ? entry.username.toLowerCase() : entry.subject;
      if (seen.has(value)) context.addIssue({ code: 'custom', path: [index, key], message: `${JSON.stringify(value)} appears twice` });
      seen.add(value);
    });
  }
});

/** The people who may sign in, from IDENTITY_USERS_FILE; a bad file stops start-up, naming the entry. */
export class UserDirectory {
  private readonly bySubject: Map<string, User>;
  private readonly byUsername: Map<string, User>;

  constructor(readonly list: readonly User[]) {
    this.bySubject = new Map(list.map((entry) => [entry.subject, entry]));
    // Usernames match whatever the case: "Editor" and "editor" are one person.
    this.byUsername = new Map(list.map((entry) => [entry.username.toLowerCase(), entry]));
  }

  static fromFile(path: string): UserDirectory {
    return new UserDirectory(readJsonFile(path, 'users', users));
  }

  bySubjectId(subject: string): User | undefined {
    return this.bySubject.get(subject);
  }

  byName(username: string): User | undefined {
    return this.byUsername.get(username.trim().toLowerCase());
  }
}
