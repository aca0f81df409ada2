import * as z from 'zod';
import { readJsonFile } from '../files';

const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const role = z.string().regex(/^[\w:.-]+$/, { error: 'a role is letters, digits, _ : . or -' });

/**
 * One client: oidc-provider's own metadata (it checks the rest of it when it starts), plus
 * `roles` for a client that signs in as itself (client_credentials).
 */
const client = z
  .looseObject({
    client_id: z.string().min(1).max(255),
    client_name: z.string().min(1).optional(),
    client_secret: z.string().min(32, { error: 'must be at least 32 characters: make one with `openssl rand -base64 32`' }).optional(),
    token_endpoint_auth_method: z.string().optional(),
    grant_types: z.array(z.string()).optional(),
    redirect_uris: z.array(webUrl).optional(),
    post_logout_redirect_uris: z.array(webUrl).optional(),
    roles: z.array(role).optional(),
  })
  .superRefine((entry, context) => {
    const isPublic = entry.token_endpoint_auth_method === 'none';
    if (isPublic && entry.client_secret) context.addIssue({ code: 'custom', path: ['client_secret'], message: 'a public client (token_endpoint_auth_method "none") has no secret' });
    if (!isPublic && !entry.client_secret) context.addIssue({ code: 'custom', path: ['client_secret'], message: 'is required for a confidential client (or set token_endpoint_auth_method to "none")' });
    if (isPublic && entry.grant_types?.includes('client_credentials')) context.addIssue({ code: 'custom', path: ['grant_types'], message: 'a public client cannot use client_credentials' });
    if (entry.roles && !entry.grant_types?.includes('client_credentials')) context.addIssue({ code: 'custom', path: ['roles'], message: 'only client_credentials clients have roles of their own' });
  });

export type ClientMetadata = z.output<typeof client>;

const clients = z.array(client).min(1, { error: 'lists no client' }).superRefine((list, context) => {
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    if (seen.has(entry.client_id)) context.addIssue({ code: 'custom', path: [index, 'client_id'], message: `${JSON.stringify(entry.client_id)} appears twice` });
    seen.add(entry.client_id);
  });
});

/** The applications that may ask for tokens, from IDENTITY_CLIENTS_FILE. */
export function loadClients(path: string): ClientMetadata[] {
  return readJsonFile(path, 'clients', clients);
}

/** The origins a client's browser code runs on (its redirect URIs' origins): who may call the token endpoint cross-origin. */
export function clientOrigins(metadata: { redirect_uris?: string[]; post_logout_redirect_uris?: string[] }): string[] {
  return [...new Set([...(metadata.redirect_uris ?? []), ...(metadata.post_logout_redirect_uris ?? [])].map((uri) => new URL(uri).origin))];
}
