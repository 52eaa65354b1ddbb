/**
 * PreSignUp: only addresses of an allowed domain become users, and nothing is confirmed here.
 *
 * - `PreSignUp_SignUp` (self sign-up): the email must parse strictly (shared/cognito/email.ts) and its
 *   domain must be exactly one of ALLOWED_EMAIL_DOMAINS. The user still confirms with the code
 *   Cognito emails: `autoConfirmUser` and `autoVerifyEmail` stay false.
 *   An address the legacy user store holds is refused too: its owner signs in with their legacy
 *   password to migrate, and nobody else may hold the address in the pool meanwhile (a pending
 *   sign-up there would block the migration: docs/security.md, "squatting").
 * - `PreSignUp_AdminCreateUser`: the same allowlist and legacy check. An admin cannot create a user the allowlist
 *   would refuse, so the `org` claim (the email's domain) always names an allowed domain. Cognito
 *   sends the invitation with a temporary password; nothing is confirmed here either.
 * - `PreSignUp_ExternalProvider`: refused. The template configures no federated identity provider;
 *   whoever adds one must decide here how its users are admitted (the email is then the
 *   provider's claim, not an address the user proved) instead of inheriting a default.
 */

import type { PreSignUpTriggerEvent, PreSignUpTriggerHandler } from "aws-lambda";
import { TriggerError, trigger } from "../shared/cognito/trigger.js";
import { config } from "../shared/runtime/config.js";
import type { Logger } from "../shared/runtime/logger.js";
import { allowedEmail } from "../shared/cognito/email.js";
import { getLegacyUser } from "../shared/cognito/legacy-users.js";

function neverConfirm(event: PreSignUpTriggerEvent) {
  event.response.autoConfirmUser = false;
  event.response.autoVerifyEmail = false;
  event.response.autoVerifyPhone = false;
}

/** True when the legacy store holds `address`; fails closed (refuses) when it cannot be read. */

async function admitAllowedDomain(event: PreSignUpTriggerEvent, log: Logger) {
  neverConfirm(event);
  const email = allowedEmail(event.request.userAttributes["email"], config.allowedEmailDomains());
  if (!email) {
    log.info("sign-up refused: email not allowed");
    throw new TriggerError("Sign-up is open only to email addresses of approved domains.");
  }
  if ((await getLegacyUser(email.address)) !== undefined) {
    log.info("sign-up refused: the address belongs to a legacy account");
    throw new TriggerError(
      "This address already has an account: sign in with its existing password.",
    );
  }
}

export const handler: PreSignUpTriggerHandler = trigger<PreSignUpTriggerEvent>(
  {
    PreSignUp_SignUp: admitAllowedDomain,
    PreSignUp_AdminCreateUser: admitAllowedDomain,
    PreSignUp_ExternalProvider: (event, log) => {
      neverConfirm(event);
      log.warn("sign-up refused: external identity providers are not enabled");
      throw new TriggerError("Sign-in with an external identity provider is not available.");
    },
  },
  {
    // The legacy store unreadable is a fault, not a refusal: logged, counted as TriggerFailed.
    failure: "We could not create your account right now. Please try again.",
    done: "SignUp",
    refused: "SignUpRefused",
  },
);
