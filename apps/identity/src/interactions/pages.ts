/** The provider's own pages: plain HTML, every value escaped, no script, nothing from elsewhere. */

/** No scripts, no frames (no clickjacking of the sign-in form), styles from the page only. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f4f5;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .3rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#e4e4e7;color:#18181b}
.error{background:#fee2e2;color:#991b1b;padding:.6rem;border-radius:4px}`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

export interface LoginPageOptions {
  /** Where the form posts: the interaction's own URL, which only the browser holding its cookie can finish. */
  action: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function loginPage({ action, clientName, username, error }: LoginPageOptions): string {
  return layout(
    'Sign in',
    `<h1>Sign in to ${escapeHtml(clientName)}</h1>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="on">
<label for="username">Username</label>
<input id="username" name="username" required autocomplete="username" autocapitalize="none" spellcheck="false" value="${escapeHtml(username)}"${username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" required autocomplete="current-password"${username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** oidc-provider's logout confirmation; `form` is its own form (with its anti-forgery token). */
export function logoutPage(form: string): string {
  return layout(
    'Sign out',
    `<h1>Sign out of the books catalogue?</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

export function logoutSuccessPage(): string {
  return layout('Signed out', '<h1>You are signed out.</h1>');
}

export function errorPage(out: { error?: string; error_description?: string }): string {
  return layout('Sign-in error', `<h1>Something went wrong</h1><p class="error">${escapeHtml(out.error)}: ${escapeHtml(out.error_description)}</p>`);
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
