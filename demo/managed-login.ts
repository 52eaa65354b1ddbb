/**
 * "Sign in with managed login": the OAuth 2.0 authorization code flow with PKCE, by hand.
 * Amplify's `signInWithRedirect` builds `https://<domain>/oauth2/authorize`, and the local
 * stack's managed login is on `http://127.0.0.1`, so the demo does the few steps itself: a random
 * verifier and state kept in sessionStorage, the redirect, then the code exchanged at the token
 * endpoint on the way back. Tokens stay in sessionStorage (gone with the tab).
 */
const PENDING = "demo.managedLogin.pending";
const TOKENS = "demo.managedLogin.tokens";
/** `aws.cognito.signin.user.admin` is the scope the API's authorizers require. */
const SCOPE = "openid email aws.cognito.signin.user.admin";

export interface ManagedLoginConfig {
  cognitoEndpoint: string;
  userPoolClientId: string;
}

interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** This page's own URL, without query: the client's registered callback and sign-out URL. */
const pageUrl = () => `${location.origin}${location.pathname}`;

/** Sends the browser to managed login's authorize endpoint. */
export async function signInWithManagedLogin(config: ManagedLoginConfig): Promise<void> {
  const verifier = randomText();
  const state = randomText();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(`${config.cognitoEndpoint}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: config.userPoolClientId,
    response_type: "code",
    redirect_uri: pageUrl(),
    scope: SCOPE,
    state,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url);
}

function pending(): { verifier: string; state: string } | undefined {
  const stored = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (stored === null) return undefined;
  const value: unknown = JSON.parse(stored);
  if (typeof value !== "object" || value === null) return undefined;
  const { verifier, state } = value as Record<string, unknown>;
  return typeof verifier === "string" && typeof state === "string"
    ? { verifier, state }
    : undefined;
}

/**
 * On the way back from managed login (`?code=&state=` or `?error=`): checks the state, redeems
 * the code with the verifier, keeps the tokens; returns the signed-in email, or undefined when
 * this page load is not a return from managed login.
 */
export async function completeManagedLogin(
  config: ManagedLoginConfig,
): Promise<string | undefined> {
  const query = new URLSearchParams(location.search);
  const code = query.get("code");
  const error = query.get("error");
  if (code === null && error === null) return undefined;
  history.replaceState(null, "", pageUrl());
  if (error !== null)
    throw new Error(`Managed login refused: ${error} ${query.get("error_description") ?? ""}`);
  const started = pending();
  if (!started || started.state !== query.get("state")) {
    throw new Error("Managed login answered a request this tab did not make (state mismatch)");
  }
  const response = await fetch(`${config.cognitoEndpoint}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.userPoolClientId,
      code: code ?? "",
      redirect_uri: pageUrl(),
      code_verifier: started.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Token endpoint: ${response.status} ${await response.text()}`);
  const tokens = (await response.json()) as Tokens;
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  const claims: unknown = JSON.parse(
    atob((tokens.id_token ?? "").split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""),
  );
  const email = (claims as { email?: unknown }).email;
  return typeof email === "string" ? email : "";
}

/** The access token of a managed-login session in this tab, if there is one. */
export function managedAccessToken(): string | undefined {
  const stored = sessionStorage.getItem(TOKENS);
  if (stored === null) return undefined;
  const token = (JSON.parse(stored) as Partial<Tokens>).access_token;
  return typeof token === "string" ? token : undefined;
}

/** Forgets the managed-login session of this tab. */
export function forgetManagedLogin(): void {
  sessionStorage.removeItem(TOKENS);
}
