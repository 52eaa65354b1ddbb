/**
 * PreAuthentication: a user whose profile an admin disabled cannot sign in.
 *
 * - `PreAuthentication_Authentication`: the profile is looked up by the user's `sub`, so the case
 *   (or any other spelling) of the email used to sign in does not matter. No profile yet (a user
 *   migrating right now) means not disabled. When the profile cannot be read the sign-in is
 *   refused (the wrapper's `failure`): failing open would let a disabled user in during an
 *   outage. With PreventUserExistenceErrors, Cognito may call this for an unknown user
 *   (`userNotFound`); that sign-in fails anyway, so nothing is looked up.
 */
import type { PreAuthenticationTriggerEvent, PreAuthenticationTriggerHandler } from "aws-lambda";
import { TriggerError, trigger } from "../shared/cognito/trigger.js";
import { getProfile } from "../shared/users/profiles.js";

const TRY_LATER = "We could not sign you in right now. Please try again.";

export const handler: PreAuthenticationTriggerHandler = trigger<PreAuthenticationTriggerEvent>(
  {
    PreAuthentication_Authentication: async (event, log) => {
      if (event.request.userNotFound === true) return;
      const sub = event.request.userAttributes["sub"];
      // Not the user's fault: `trigger()` logs it, counts a failure and answers TRY_LATER.
      if (!sub) throw new Error("no sub among the user attributes");
      const profile = await getProfile(sub);
      if (profile?.status === "disabled") {
        log.info("sign-in refused: profile disabled", { sub });
        throw new TriggerError("This account is disabled.");
      }
    },
  },
  { failure: TRY_LATER, refused: "SignInRefusedDisabled" },
);
