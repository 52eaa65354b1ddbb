import { api } from "../shared/api.js";
import { NotFoundError } from "../shared/errors.js";
import { json } from "../shared/http.js";
import { requireUser } from "../shared/identity.js";
import { profileUpdate, toMe } from "../shared/me.js";
import { updateDisplayName } from "../shared/profiles.js";
import { parseBody } from "../shared/validation.js";

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
