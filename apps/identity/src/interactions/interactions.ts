import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { hashPassword, verifyPassword } from '../accounts/password';
import type { UserDirectory } from '../accounts/users';
import { INTERACTION_PATH } from '../provider/provider';
import { loginPage, messagePage, PAGE_CSP } from './pages';

const MAX_FORM_BYTES = 16 * 1024;
/** The same words whether the username or the password is wrong: no telling who has an account. */
export const WRONG_CREDENTIALS = 'Wrong username or password.';

class FormError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The sign-in and consent steps oidc-provider hands over to us (its dev pages are off). The
 * interaction is bound to a cookie that oidc-provider sets SameSite=Lax on its own path: a
 * form posted from another site arrives without it and is refused, so it needs no CSRF token.
 */
export class Interactions {
  /** Checked when the username is unknown, so that both failures take as long. */
  private readonly decoyHash = hashPassword(Math.random().toString(36));

  /** `current` gives the provider and users in force: SIGHUP replaces both (../main.ts). */
  constructor(
    private readonly current: () => { provider: Provider; users: UserDirectory },
    private readonly log: Logger,
  ) {}

  /** Serves the request when it is an interaction URL; false otherwise. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const match = new RegExp(`^${INTERACTION_PATH}/([\\w-]+)$`).exec(path);
    if (!match) return false;
    try {
      if (request.method === 'GET') await this.show(request, response);
      else if (request.method === 'POST') await this.submit(request, response, match[1]);
      else send(response, 405, 'text/plain', 'Method not allowed', { Allow: 'GET, POST' });
    } catch (error) {
      if (error instanceof FormError) return send(response, error.status, 'text/plain', error.message), true;
      // An unknown or expired interaction (or a missing cookie): start over from the app.
      const name = (error as { name?: string }).name;
      if (name === 'SessionNotFound' || name === 'InvalidRequest') {
        send(response, 400, 'text/html', messagePage('Sign in', 'This sign-in attempt has expired or was started elsewhere. Go back to the app and sign in again.'));
      } else {
        this.log.error({ err: error }, 'interaction failed');
        send(response, 500, 'text/plain', 'Internal error');
      }
    }
    return true;
  }

  private async show(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { provider } = this.current();
    const details = await provider.interactionDetails(request, response);
    if (details.prompt.name === 'consent') return this.consent(request, response);
    const client = await provider.Client.find(String(details.params['client_id']));
    send(response, 200, 'text/html', loginPage({ action: `${INTERACTION_PATH}/${details.uid}`, clientName: client?.clientName ?? 'the books catalogue' }));
  }

  private async submit(request: IncomingMessage, response: ServerResponse, uid: string): Promise<void> {
    const { provider } = this.current();
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new FormError(400, 'Interaction mismatch');
    if (details.prompt.name !== 'login') return this.consent(request, response);
    const form = await readForm(request);
    const username = (form.get('username') ?? '').slice(0, 255);
    const password = (form.get('password') ?? '').slice(0, 1024);
    const user = this.current().users.byName(username);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !matches) {
      this.log.info({ event: 'sign-in-failed', client: details.params['client_id'] }, 'sign-in refused: wrong username or password');
      const client = await provider.Client.find(String(details.params['client_id']));
      send(response, 401, 'text/html', loginPage({ action: `${INTERACTION_PATH}/${uid}`, clientName: client?.clientName ?? 'the books catalogue', username, error: WRONG_CREDENTIALS }));
      return;
    }
    this.log.info({ event: 'signed-in', subject: user.subject, client: details.params['client_id'] }, 'signed in');
    await provider.interactionFinished(request, response, { login: { accountId: user.subject } }, { mergeWithLastSubmission: false });
  }

  /**
   * Every client in the clients file is one of ours (first-party): consent is given for the
   * user, for exactly what the app asked (scopes, claims, the books API).
   */
  private async consent(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { provider } = this.current();
    const { prompt, params, session, grantId } = await provider.interactionDetails(request, response);
    if (prompt.name !== 'consent' || !session) throw new FormError(400, 'Nothing to consent to');
    const grant = (grantId && (await provider.Grant.find(grantId))) || new provider.Grant({ accountId: session.accountId, clientId: String(params['client_id']) });
    const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const saved = await grant.save();
    await provider.interactionFinished(request, response, { consent: { grantId: saved } }, { mergeWithLastSubmission: true });
  }
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new FormError(415, 'Expected a form');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormError(413, 'Form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': `${type}; charset=utf-8`,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  response.end(body);
}
