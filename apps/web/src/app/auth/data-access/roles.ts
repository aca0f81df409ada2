/** Who is signed in, as the app shows them: the display name and the roles from the `roles` claim. */
export interface AuthUser {
  readonly name: string;
  readonly roles: readonly string[];
}

/** The gateway's rules (see the sign-in plan): `admin` can do all an `editor` can, and import. */
export function canEdit(user: AuthUser | undefined): boolean {
  return !!user && (user.roles.includes('editor') || user.roles.includes('admin'));
}

export function canImport(user: AuthUser | undefined): boolean {
  return !!user && user.roles.includes('admin');
}

/** The one role shown beside the name: the strongest the user has. */
export function roleLabel(user: AuthUser): string {
  if (user.roles.includes('admin')) return 'Admin';
  if (user.roles.includes('editor')) return 'Editor';
  return 'Reader';
}

/** Reads the claims from the ID token or userinfo; a claim of the wrong shape counts as absent. */
export function userFromClaims(claims: unknown): AuthUser | undefined {
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { name, preferred_username: username, sub, roles } = claims as Record<string, unknown>;
  const shown = [name, username, sub].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return {
    name: shown ?? 'Signed in',
    roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [],
  };
}
