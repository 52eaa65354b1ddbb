/**
 * PostConfirmation: the user's profile is created once, when they confirm their sign-up.
 *
 * - `PostConfirmation_ConfirmSignUp`: `createProfileOnce` (conditional put), so Cognito's retries,
 *   a repeated confirmation (AdminConfirmSignUp after ConfirmSignUp) or a user who already has a
 *   profile change nothing. Best-effort: Cognito has confirmed the user already, so failing here
 *   would only show them an error for a confirmation that worked; a profile that could not be
 *   written is created at their first sign-in instead (`ensureProfile` in PostAuthentication and
 *   PreTokenGeneration).
 * - `PostConfirmation_ConfirmForgotPassword`: a password reset; the profile is left untouched.
 *
 * Both end every session started before them (AdminUserGlobalSignOut): Cognito itself keeps a
 * user's refresh tokens alive across a reset (docs/security.md, "squatting").
 */

import type { PostConfirmationTriggerEvent, PostConfirmationTriggerHandler } from "aws-lambda";
import { poolUser, trigger } from "../shared/cognito/trigger.js";
import { createProfileOnce } from "../shared/users/profiles.js";
import { signOutEverywhere } from "../shared/users/accounts.js";
import type { Logger } from "../shared/runtime/logger.js";

/**
 * Ends every session started before this confirmation or reset: whoever signed in with the
 * password that held until now (a squatter who signed up the address, say) is out. Best-effort
 * like the rest of this trigger: Cognito has already confirmed; a failure is logged loudly.
 */
async function endEarlierSessions(event: PostConfirmationTriggerEvent, log: Logger) {
  try {
    await signOutEverywhere(event.userName, event.userPoolId);
  } catch (error) {
    log.error("earlier sessions not ended", { error });
  }
}

export const handler: PostConfirmationTriggerHandler = trigger<PostConfirmationTriggerEvent>(
  {
    PostConfirmation_ConfirmSignUp: async (event, log) => {
      try {
        const created = await createProfileOnce(poolUser(event.request.userAttributes));
        log.info(created ? "profile created" : "profile already existed");
      } catch (error) {
        log.error("profile not created; it will be at the first sign-in", { error });
      }
      await endEarlierSessions(event, log);
    },
    PostConfirmation_ConfirmForgotPassword: (event, log) => endEarlierSessions(event, log),
  },
  {
    proceedOnFailure: "post-confirmation failed; the confirmation stands",
    done: (event) =>
      event.triggerSource === "PostConfirmation_ConfirmSignUp" ? "Confirmation" : undefined,
  },
);
