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
 */
import type { PostConfirmationTriggerEvent } from "aws-lambda";
import {
  poolUser,
  triggerLogger,
  unsupportedTriggerSource,
  type Trigger,
} from "../shared/cognito/trigger.js";
import { createProfileOnce } from "../shared/users/profiles.js";

export const handler: Trigger<PostConfirmationTriggerEvent> = async (event, context) => {
  const log = triggerLogger(event, context);
  switch (event.triggerSource) {
    case "PostConfirmation_ConfirmSignUp": {
      try {
        const created = await createProfileOnce(poolUser(event.request.userAttributes));
        log.info(created ? "profile created" : "profile already existed");
      } catch (error) {
        log.error("profile not created; it will be at the first sign-in", { error });
      }
      return event;
    }
    case "PostConfirmation_ConfirmForgotPassword":
      return event;
    default:
      return unsupportedTriggerSource(event);
  }
};
