/**
 * PostAuthentication: records the sign-in (`lastLoginAt`, `loginCount` + 1, one atomic update).
 *
 * - `PostAuthentication_Authentication`: best-effort. Any failure is logged and the sign-in
 *   proceeds: bookkeeping never locks a user out. The profile is created first when missing
 *   (users migrated from the legacy store never pass PostConfirmation). A retry by Cognito
 *   counts the sign-in twice; the count is a statistic, not a security control.
 */
import type { PostAuthenticationTriggerEvent } from "aws-lambda";
import {
  poolUser,
  triggerLogger,
  unsupportedTriggerSource,
  type Trigger,
} from "../shared/cognito/trigger.js";
import { ensureProfile, recordLogin } from "../shared/users/profiles.js";

export const handler: Trigger<PostAuthenticationTriggerEvent> = async (event, context) => {
  const log = triggerLogger(event, context);
  switch (event.triggerSource) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- one source today; a new one must fail to compile
    case "PostAuthentication_Authentication": {
      try {
        const user = poolUser(event.request.userAttributes);
        await ensureProfile(user);
        await recordLogin(user.sub);
      } catch (error) {
        log.error("could not record the sign-in", { error });
      }
      return event;
    }
    default:
      return unsupportedTriggerSource(event.triggerSource);
  }
};
