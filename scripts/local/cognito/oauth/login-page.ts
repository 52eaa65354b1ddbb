/**
 * The local stand-in for managed login's pages: an email + password form, and a code form when
 * the sign-in asks for a second factor. Plain HTML, every value escaped, no script.
 */
const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const STYLE =
  "body{font:16px system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh}" +
  "main{width:min(22rem,90vw)}label{display:block;margin:.75rem 0}input{display:block;width:100%;" +
  "padding:.5rem;box-sizing:border-box}button{padding:.5rem 1rem;margin-top:.5rem}" +
  ".error{color:#a00}.note{color:#555;font-size:.85rem}";

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}` +
    `<p class="note">Local stack: the managed-login stand-in of the Cognito emulator.</p>` +
    `</main></body></html>`
  );
}

const alert = (error: string | undefined) =>
  error ? `<p role="alert" class="error">${escapeHtml(error)}</p>` : "";

/** The sign-in form; it posts back to `action` (the authorization request's own URL). */
export function signInPage(action: string, error?: string): string {
  return page(
    "Sign in",
    `${alert(error)}<form method="post" action="${escapeHtml(action)}">` +
      `<label>Email<input name="username" type="email" autocomplete="username" required autofocus></label>` +
      `<label>Password<input name="password" type="password" autocomplete="current-password" required></label>` +
      `<button type="submit">Sign in</button></form>`,
  );
}

/** The one-time code form of a sign-in that asked for a second factor. */
export function codePage(action: string, session: string, error?: string): string {
  return page(
    "Enter your code",
    `${alert(error)}<form method="post" action="${escapeHtml(action)}">` +
      `<input type="hidden" name="session" value="${escapeHtml(session)}">` +
      `<label>Code from your authenticator app<input name="code" inputmode="numeric" ` +
      `autocomplete="one-time-code" pattern="[0-9]{6}" required autofocus></label>` +
      `<button type="submit">Continue</button></form>`,
  );
}

/** An error page for requests that cannot be sent back to the client (unknown client or URL). */
export function errorPage(error: string, description: string): string {
  return page(
    "Sign-in error",
    `<p role="alert" class="error">${escapeHtml(error)}: ${escapeHtml(description)}</p>`,
  );
}
