/**
 * The caller, from verified claims only. Both authorizers are accepted: API Gateway's Cognito
 * authorizer puts the token's claims under `authorizer.claims`; our Lambda authorizers put flat
 * string values on `authorizer` itself. Nothing here reads a path, body, query or header.
 */
import type { ApiEvent } from "../http/api.js";
import { ForbiddenError, UnauthorizedError } from "../http/errors.js";

export interface User {
  sub: string;
  email?: string;
  groups: string[];
  org?: string;
  plan?: string;
}

/** The Cognito group whose members may call the /admin routes. */
export const ADMIN_GROUP = "admins";

type Claims = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Cognito's REST authorizer gives `cognito:groups` as "a,b" or "[a b]"; ours as "a,b". */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  const raw = str(value);
  if (!raw) return [];
  return raw
    .replace(/^\[|\]$/g, "")
    .split(/[,\s]+/)
    .filter((g) => g.length > 0);
}

/** The verified caller; throws 401 when no authorizer vouched for a `sub`. */
export function requireUser(event: ApiEvent): User {
  const authorizer: Claims = event.requestContext.authorizer ?? {};
  const claims = (
    authorizer["claims"] && typeof authorizer["claims"] === "object"
      ? authorizer["claims"]
      : authorizer
  ) as Claims;
  const sub = str(claims["sub"]);
  if (!sub) throw new UnauthorizedError();
  return {
    sub,
    email: str(claims["email"]),
    groups: parseGroups(claims["cognito:groups"] ?? claims["groups"]),
    org: str(claims["org"]),
    plan: str(claims["plan"]),
  };
}

/**
 * The verified caller, who must be in the `admins` group (403 otherwise). The admin authorizer
 * already checks this; handlers repeat it so a wiring mistake cannot open an admin route.
 */
export function requireAdmin(event: ApiEvent): User {
  const user = requireUser(event);
  if (!user.groups.includes(ADMIN_GROUP)) throw new ForbiddenError();
  return user;
}
