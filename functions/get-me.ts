import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { getProfile } from "../shared/users/profiles.js";
import { toMe } from "../shared/users/me.js";

/** GET /me: the caller's identity and profile. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const profile = await getProfile(user.sub);
  return json(200, toMe(user, profile));
});
