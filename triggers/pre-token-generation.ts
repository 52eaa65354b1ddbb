/**
 * PreTokenGeneration (event version V2): adds `org` and `plan` to the access token and the ID
 * token, from the server-side profile only (shared/cognito/token-claims.ts), never from attributes the
 * user can write.
 *
 * Every source gets the same claims, on purpose: sign-in (`_Authentication`, `_HostedAuth`), the
 * end of a forced password change (`_NewPasswordChallenge`), device sign-in
 * (`_AuthenticateDevice`), and `_RefreshTokens`, so a plan change reaches the next refreshed
 * token. A missing profile is created (migrated and admin-created users never pass
 * PostConfirmation). If the profile cannot be read no token is issued: there is no safe value of
 * `org` to guess.
 *
 * A profile that is not active (disabled by an admin) gets no tokens, on every source: this is
 * what refuses a disabled user's refresh (`_RefreshTokens`), which PreAuthentication never sees.
 */
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import {
  TriggerError,
  poolUser,
  triggerLogger,
  unsupportedTriggerSource,
  type Trigger,
} from "../shared/cognito/trigger.js";
import { ensureProfile, type Profile } from "../shared/users/profiles.js";
import { claimsOverride, tokenClaims } from "../shared/cognito/token-claims.js";

export const handler: Trigger<PreTokenGenerationV2TriggerEvent> = async (event, context) => {
  const log = triggerLogger(event, context);
  switch (event.triggerSource) {
    case "TokenGeneration_Authentication":
    case "TokenGeneration_HostedAuth":
    case "TokenGeneration_NewPasswordChallenge":
    case "TokenGeneration_AuthenticateDevice":
    case "TokenGeneration_RefreshTokens": {
      const user = poolUser(event.request.userAttributes);
      let profile: Profile;
      try {
        profile = await ensureProfile(user);
      } catch (error) {
        log.error("no tokens: the profile could not be read", { error });
        throw new TriggerError("We could not sign you in right now. Please try again.");
      }
      if (profile.status !== "active") {
        log.info("no tokens: profile not active", { sub: user.sub });
        throw new TriggerError("This account is disabled.");
      }
      event.response = { claimsAndScopeOverrideDetails: claimsOverride(tokenClaims(profile)) };
      return event;
    }
    default:
      return unsupportedTriggerSource(event);
  }
};
