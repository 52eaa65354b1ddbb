/**
 * UserMigration: a user unknown to the pool is looked up in the legacy user store and, when
 * found, created in the pool (confirmed, email verified, no welcome message).
 *
 * - `UserMigration_Authentication` (sign-in with USER_PASSWORD_AUTH; SRP never reveals the
 *   password): the bcrypt hash must match. An unknown user, a disallowed or malformed email and a
 *   wrong password all fail with the same message in the same time (one bcrypt comparison at the store's
 *   cost, LEGACY_HASH_COST); a password over 72 bytes never matches. A
 *   legacy password that fails the pool's policy is not kept: the user is migrated as
 *   RESET_REQUIRED and must reset it (Cognito then answers PasswordResetRequiredException).
 * - `UserMigration_ForgotPassword` (no password in the event): only a legacy record marked
 *   `resetAllowed` migrates this way (without `finalUserStatus`, which leaves it RESET_REQUIRED;
 *   Cognito emails the reset code to the verified address). Anyone may call ForgotPassword with
 *   any address, and a reset migration ends the legacy password, so everyone else migrates only
 *   by signing in with that password (docs/security.md).
 *
 * Only allowlisted domains migrate, as only they can sign up. Nothing is written, so a repeat is
 * harmless. The password is never logged: neither the event nor the email is, and the wrapper masks
 * the password in anything else (an error message quoting it, say).
 */
import type {
  UserMigrationAuthenticationTriggerEvent,
  UserMigrationForgotPasswordTriggerEvent,
  UserMigrationTriggerEvent,
  UserMigrationTriggerHandler,
} from "aws-lambda";
import { TriggerError, trigger } from "../shared/cognito/trigger.js";
import { config } from "../shared/runtime/config.js";
import { allowedEmail } from "../shared/cognito/email.js";
import {
  getLegacyUser,
  verifyLegacyPassword,
  type LegacyUser,
} from "../shared/cognito/legacy-users.js";
import type { Logger } from "../shared/runtime/logger.js";
import { meetsPasswordPolicy } from "../shared/cognito/password-policy.js";

const FAILED = "Incorrect username or password.";

async function findLegacyUser(userName: string): Promise<LegacyUser | undefined> {
  const email = allowedEmail(userName, config.allowedEmailDomains());
  return email ? getLegacyUser(email.address) : undefined;
}

function migrate(event: UserMigrationTriggerEvent, user: LegacyUser) {
  event.response.userAttributes = { email: user.email, email_verified: "true" };
  event.response.messageAction = "SUPPRESS";
  event.response.desiredDeliveryMediums = ["EMAIL"];
}

async function authentication(event: UserMigrationAuthenticationTriggerEvent, log: Logger) {
  const password: unknown = event.request.password;
  const user = await findLegacyUser(event.userName);
  const valid = await verifyLegacyPassword(
    user,
    typeof password === "string" ? password : "",
    config.legacyHashCost(),
  );
  if (!user || !valid || typeof password !== "string") {
    log.info("migration refused", { reason: user ? "wrong password" : "unknown user" });
    throw new TriggerError(FAILED);
  }
  migrate(event, user);
  event.response.finalUserStatus = meetsPasswordPolicy(password) ? "CONFIRMED" : "RESET_REQUIRED";
  log.info("user migrated", { finalUserStatus: event.response.finalUserStatus });
}

async function forgotPassword(event: UserMigrationForgotPasswordTriggerEvent, log: Logger) {
  const user = await findLegacyUser(event.userName);
  if (!user?.resetAllowed) {
    log.info("migration refused", { reason: user ? "reset not allowed" : "unknown user" });
    throw new TriggerError(FAILED);
  }
  migrate(event, user);
  log.info("user migrated for a password reset");
}

export const handler: UserMigrationTriggerHandler = trigger<UserMigrationTriggerEvent>(
  {
    UserMigration_Authentication: authentication,
    UserMigration_ForgotPassword: forgotPassword,
  },
  {
    failure: FAILED,
    secret: (event) => event.request.password,
    done: "MigrationSucceeded",
    refused: "MigrationFailed",
  },
);
