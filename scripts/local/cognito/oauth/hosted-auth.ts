/**
 * A sign-in through managed login, as the token generator sees it. The OAuth endpoints run the
 * emulator's own sign-in and refresh flows (so PreAuthentication, PostAuthentication and
 * PreTokenGeneration fire as for any sign-in) with a request context registered here; the token
 * generator (scripts/local/cognito.ts) asks `hostedAuthOf(ctx)` and then, as Cognito does for
 * managed login, sends PreTokenGeneration the `TokenGeneration_HostedAuth` source and the granted
 * scopes, puts those scopes in the access token and the request's `nonce` in the ID token.
 */
import { decode, sign } from "../jwt.js";
import type { TokenSet } from "../types.js";

export interface HostedAuth {
  /** The scopes granted to this session (the access token's `scope`). */
  scopes: string[];
  /** The authorization request's `nonce`, echoed in the ID token. */
  nonce?: string;
  /** `HostedAuth` at sign-in; absent on refresh (the emulator's own `RefreshTokens`). */
  source?: "HostedAuth";
}

/**
 * Where a context carries its managed-login details: a symbol key, which the emulator's router
 * copies along when it spreads the context into its own (`{ ...ctx, logger }`).
 */
const HOSTED = Symbol("hostedAuth");

/** A request context for the emulator's targets that marks the call as managed login. */
export function hostedContext<T extends object>(base: T, hosted: HostedAuth): T {
  return { ...base, [HOSTED]: hosted };
}

/** The managed-login details of a request context, if it is one. */
export function hostedAuthOf(ctx: unknown): HostedAuth | undefined {
  if (typeof ctx !== "object" || ctx === null || !(HOSTED in ctx)) return undefined;
  const hosted: unknown = ctx[HOSTED];
  return typeof hosted === "object" && hosted !== null && "scopes" in hosted
    ? (hosted as HostedAuth)
    : undefined;
}

/** The tokens with the session's scopes in the access token and the nonce in the ID token. */
export function withHostedAuthClaims<T extends TokenSet>(tokens: T, hosted: HostedAuth): T {
  const nonce = hosted.nonce === undefined ? {} : { nonce: hosted.nonce };
  return {
    ...tokens,
    AccessToken: sign({ ...decode(tokens.AccessToken), scope: hosted.scopes.join(" ") }),
    IdToken: sign({ ...decode(tokens.IdToken), ...nonce }),
  };
}
