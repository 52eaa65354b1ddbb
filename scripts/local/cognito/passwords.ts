/**
 * The pool's password policy, as Cognito enforces it on every password it is given: sign-up,
 * password change and reset, an administrator's password, a temporary password and the new
 * password of a NEW_PASSWORD_REQUIRED challenge. The policy is the pool's own
 * (`Policies.PasswordPolicy`, created from the packaged template), never a copy: a mistake in the
 * template shows locally. cognito-local 5.3.0 stores the policy and ignores it.
 */
import { cognitoError } from "./emulator.js";
import type { CognitoService, Context, Json, PoolService, Target } from "./types.js";

export interface PasswordPolicy {
  MinimumLength?: number;
  RequireLowercase?: boolean;
  RequireUppercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}

/** Cognito's special characters (the space counts, except at the start or end). */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** Cognito's message for the first rule `password` breaks, or undefined when it complies. */
export function policyViolation(policy: PasswordPolicy, password: string): string | undefined {
  const minimum = policy.MinimumLength ?? 8;
  if (password.length < minimum) return "Password not long enough";
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) {
    return "Password must have uppercase characters";
  }
  if (policy.RequireLowercase && !/[a-z]/.test(password)) {
    return "Password must have lowercase characters";
  }
  if (policy.RequireNumbers && !/[0-9]/.test(password)) {
    return "Password must have numeric characters";
  }
  if (policy.RequireSymbols && !SYMBOL.test(password.trim())) {
    return "Password must have symbol characters";
  }
  return undefined;
}

function enforce(pool: PoolService, password: unknown) {
  if (typeof password !== "string") return;
  const policies = pool.options["Policies"] as { PasswordPolicy?: PasswordPolicy } | undefined;
  const violation = policyViolation(policies?.PasswordPolicy ?? {}, password);
  if (violation) {
    throw cognitoError(
      "InvalidPasswordException",
      `Password did not conform with policy: ${violation}`,
    );
  }
}

type PasswordOf = (req: Json) => unknown;
type PoolOf = (cognito: CognitoService, ctx: Context, req: Json) => Promise<PoolService>;

const byClient: PoolOf = (cognito, ctx, req) =>
  cognito.getUserPoolForClientId(ctx, req["ClientId"]);
const byPoolId: PoolOf = (cognito, ctx, req) => cognito.getUserPool(ctx, req["UserPoolId"]);
/** ChangePassword: the pool of the (already verified) access token's client. */
const byAccessToken: PoolOf = (cognito, ctx, req) => {
  const token = typeof req["AccessToken"] === "string" ? req["AccessToken"] : "";
  const claims = JSON.parse(
    Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"),
  ) as Json;
  return cognito.getUserPoolForClientId(ctx, claims["client_id"]);
};

/** Where each action carries a password, and how to find its pool. */
const PASSWORDS: Record<string, [PoolOf, PasswordOf]> = {
  SignUp: [byClient, (req) => req["Password"]],
  ConfirmForgotPassword: [byClient, (req) => req["Password"]],
  ChangePassword: [byAccessToken, (req) => req["ProposedPassword"]],
  AdminSetUserPassword: [byPoolId, (req) => req["Password"]],
  AdminCreateUser: [byPoolId, (req) => req["TemporaryPassword"]],
  RespondToAuthChallenge: [
    byClient,
    (req) =>
      req["ChallengeName"] === "NEW_PASSWORD_REQUIRED"
        ? (req["ChallengeResponses"] as Json | undefined)?.["NEW_PASSWORD"]
        : undefined,
  ],
};

/** Runs `target` only when the password it carries (if any) satisfies the pool's policy. */
export function withPasswordPolicy(cognito: CognitoService, name: string, target: Target): Target {
  const entry = PASSWORDS[name];
  if (!entry) return target;
  const [poolOf, passwordOf] = entry;
  return async (ctx, req) => {
    const password = passwordOf(req);
    if (password !== undefined) enforce(await poolOf(cognito, ctx, req), password);
    return target(ctx, req);
  };
}
