/**
 * PostAuthentication: records the sign-in (`lastLoginAt`, `loginCount` + 1, one atomic update).
 *
 * - `PostAuthentication_Authentication`: best-effort. Any failure is logged and the sign-in
 *   proceeds: bookkeeping never locks a user out. The profile is created first when missing
 *   (users migrated from the legacy store never pass PostConfirmation). A retry by Cognito
 *   counts the sign-in twice; the count is a statistic, not a security control.
 */
import type { PostAuthenticationTriggerEvent, PostAuthenticationTriggerHandler } from "aws-lambda";
import { poolUser, trigger } from "../shared/cognito/trigger.js";
import { ensureProfile, recordLogin } from "../shared/users/profiles.js";

export const handler: PostAuthenticationTriggerHandler = trigger<PostAuthenticationTriggerEvent>(
  {
    PostAuthentication_Authentication: async (event) => {
      const user = poolUser(event.request.userAttributes);
      await ensureProfile(user);
      await recordLogin(user.sub);
    },
  },
  { proceedOnFailure: "could not record the sign-in", done: "SignIn" },
);
