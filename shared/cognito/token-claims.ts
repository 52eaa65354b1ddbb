/**
 * The claims PreTokenGeneration adds to both the access token and the ID token (docs/security.md,
 * "Claims"): `org`, the lower-case domain of the email stored in the profile, and `plan`, from
 * the profile. Both come from the server-side profile only: the pool's `email` attribute can be
 * changed by the user after sign-up, and custom attributes may be user-writable, so neither is
 * ever read here.
 */
import type { ClaimsAndScopeOverrideDetails } from "aws-lambda";
import { parseEmail } from "./email.js";
import { DEFAULT_PLAN, type Profile } from "../users/profiles.js";

export interface TokenClaims {
  org?: string;
  plan: string;
}

/** The claims of `profile`; `org` is left out if its stored email does not parse. */
export function tokenClaims(profile: Pick<Profile, "email" | "plan">): TokenClaims {
  const org = parseEmail(profile.email)?.domain;
  const plan =
    typeof profile.plan === "string" && profile.plan !== "" ? profile.plan : DEFAULT_PLAN;
  return org === undefined ? { plan } : { org, plan };
}

/**
 * The V2 response adding `claims` to both tokens. Group and scope settings are left as Cognito
 * computed them.
 */
export function claimsOverride(claims: TokenClaims): ClaimsAndScopeOverrideDetails {
  const added: Record<string, string> = { plan: claims.plan };
  if (claims.org !== undefined) added["org"] = claims.org;
  return {
    idTokenGeneration: { claimsToAddOrOverride: { ...added } },
    accessTokenGeneration: { claimsToAddOrOverride: { ...added } },
  };
}
