/**
 * Immutable attributes, as Cognito keeps them (cognito-local 5.3.0 lets any caller rewrite any
 * attribute): an attribute the pool's schema declares `Mutable: false` is written once, when the
 * user is created. `UpdateUserAttributes` and `AdminUpdateUserAttributes` naming it answer
 * InvalidParameterException and change nothing. The schema is the one the stack creates the pool
 * with, from serverless.yml. (Who may write what otherwise: attributes.ts.)
 */
import { cognitoError } from "./emulator.js";
import { decode } from "./jwt.js";
import type { Attribute, CognitoService, Json, PoolService, Target } from "./types.js";

interface SchemaAttribute {
  Name?: string;
  Mutable?: boolean;
}

function poolOf(cognito: CognitoService, ctx: unknown, target: string, req: Json) {
  if (target === "AdminUpdateUserAttributes") return cognito.getUserPool(ctx, req["UserPoolId"]);
  const token = typeof req["AccessToken"] === "string" ? req["AccessToken"] : "";
  return cognito.getUserPoolForClientId(ctx, decode(token)["client_id"]);
}

function immutableNames(pool: PoolService, names: string[]): string[] {
  const schema = (pool.options["SchemaAttributes"] ?? []) as SchemaAttribute[];
  return names.filter((name) => schema.find((a) => a.Name === name)?.Mutable === false);
}

/** Wraps `route` (the action `target`) so that no update writes an immutable attribute. */
export function withImmutableAttributes(
  cognito: CognitoService,
  target: string,
  route: Target,
): Target {
  if (target !== "UpdateUserAttributes" && target !== "AdminUpdateUserAttributes") return route;
  return async (ctx, req) => {
    const names = ((req["UserAttributes"] ?? []) as Attribute[]).map((a) => a.Name);
    const immutable = immutableNames(await poolOf(cognito, ctx, target, req), names);
    if (immutable.length > 0) {
      throw cognitoError(
        "InvalidParameterException",
        `Invalid user attributes: ${immutable
          .map((name) => `${name}: Attribute cannot be updated. (changing an immutable attribute)`)
          .join(", ")}`,
      );
    }
    return route(ctx, req);
  };
}
