import type { EnvironmentProviders } from '@angular/core';
import type { AuthSettings } from './auth-settings';

/**
 * What sign-in adds to the app's providers at bootstrap: nothing when it is off (the app behaves
 * as before sign-in existed), the OIDC library and its settings when it is on. The library is
 * imported here, on demand, so apps without sign-in never download it.
 */
export async function loadAuthProviders(
  settings: AuthSettings,
  origin: string,
  importOidc: () => Promise<typeof import('./oidc')> = () => import('./oidc'),
): Promise<EnvironmentProviders[]> {
  if (!settings.enabled) return [];
  const { provideOidc } = await importOidc();
  return [provideOidc(settings, origin)];
}
