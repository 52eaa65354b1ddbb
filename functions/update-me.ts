import { api } from "../shared/http/api.js";
import { NotFoundError } from "../shared/http/errors.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { profileUpdate, toMe } from "../shared/users/me.js";
import { updateDisplayName } from "../shared/users/profiles.js";
import { parseBody } from "../shared/http/validation.js";

/**
 * PATCH /me: sets the caller's display name and returns the same body as GET /me. The profile is
 * created at sign-up confirmation and never here: a user without one gets 404.
 */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const input = parseBody(event, profileUpdate);
  const profile = await updateDisplayName(user.sub, input.displayName);
  if (!profile) throw new NotFoundError("No profile exists for this account yet.");
  return json(200, toMe(user, profile));
});
