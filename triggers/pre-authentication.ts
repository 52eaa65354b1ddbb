/**
 * PreAuthentication: a user whose profile an admin disabled cannot sign in.
 *
 * - `PreAuthentication_Authentication`: the profile is looked up by the user's `sub`, so the case
 *   (or any other spelling) of the email used to sign in does not matter. No profile yet (a user
 *   migrating right now) means not disabled. When the profile cannot be read the sign-in is
 *   refused: failing open would let a disabled user in during an outage. With
 *   PreventUserExistenceErrors, Cognito may call this for an unknown user (`userNotFound`); that
 *   sign-in fails anyway, so nothing is looked up.
 */
import type { PreAuthenticationTriggerEvent } from "aws-lambda";
import {
  TriggerError,
  triggerLogger,
  unsupportedTriggerSource,
  type Trigger,
} from "../shared/cognito/trigger.js";
import { getProfile, type Profile } from "../shared/users/profiles.js";

export const handler: Trigger<PreAuthenticationTriggerEvent> = async (event, context) => {
  const log = triggerLogger(event, context);
  switch (event.triggerSource) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- one source today; a new one must fail to compile
    case "PreAuthentication_Authentication": {
      if (event.request.userNotFound === true) return event;
      const sub = event.request.userAttributes["sub"];
      if (!sub) {
        log.error("sign-in refused: no sub among the user attributes");
        throw new TriggerError("We could not sign you in right now. Please try again.");
      }
      let profile: Profile | undefined;
      try {
        profile = await getProfile(sub);
      } catch (error) {
        log.error("sign-in refused: the profile could not be read", { error });
        throw new TriggerError("We could not sign you in right now. Please try again.");
      }
      if (profile?.status === "disabled") {
        log.info("sign-in refused: profile disabled", { sub });
        throw new TriggerError("This account is disabled.");
      }
      return event;
    }
    default:
      return unsupportedTriggerSource(event.triggerSource);
  }
};
