/**
 * PreTokenGeneration (event version V2): adds `org` and `plan` to the access token and the ID
 * token, from the server-side profile only (shared/cognito/token-claims.ts), never from attributes the
 * user can write.
 *
 * Every source gets the same claims, on purpose: sign-in (`_Authentication`, `_HostedAuth`), the
 * end of a forced password change (`_NewPasswordChallenge`), device sign-in
 * (`_AuthenticateDevice`), and `_RefreshTokens`, so a plan change reaches the next refreshed
 * token. A missing profile is created (migrated and admin-created users never pass
 * PostConfirmation). If the profile cannot be read no token is issued (the wrapper's `failure`): there is no safe value of
 * `org` to guess.
 *
 * A profile that is not active (disabled by an admin) gets no tokens, on every source: this is
 * what refuses a disabled user's refresh (`_RefreshTokens`), which PreAuthentication never sees.
 */

import type {
  PreTokenGenerationV2TriggerEvent,
  PreTokenGenerationV2TriggerHandler,
} from "aws-lambda";
import { TriggerError, poolUser, trigger } from "../shared/cognito/trigger.js";
import { ensureProfile } from "../shared/users/profiles.js";
import { claimsOverride, tokenClaims } from "../shared/cognito/token-claims.js";
import type { Logger } from "../shared/runtime/logger.js";

async function addClaims(event: PreTokenGenerationV2TriggerEvent, log: Logger) {
  const user = poolUser(event.request.userAttributes);
  const profile = await ensureProfile(user);
  if (profile.status !== "active") {
    log.info("no tokens: profile not active", { sub: user.sub });
    throw new TriggerError("This account is disabled.");
  }
  event.response = { claimsAndScopeOverrideDetails: claimsOverride(tokenClaims(profile)) };
}

export const handler: PreTokenGenerationV2TriggerHandler =
  trigger<PreTokenGenerationV2TriggerEvent>(
    {
      TokenGeneration_Authentication: addClaims,
      TokenGeneration_HostedAuth: addClaims,
      TokenGeneration_NewPasswordChallenge: addClaims,
      TokenGeneration_AuthenticateDevice: addClaims,
      TokenGeneration_RefreshTokens: addClaims,
    },
    {
      failure: "We could not sign you in right now. Please try again.",
      done: "TokenGenerated",
      refused: "SignInRefusedDisabled",
    },
  );
