import { api } from "../shared/api.js";
import { json } from "../shared/http.js";
import { requireUser } from "../shared/identity.js";
import { getProfile } from "../shared/profiles.js";
import { toMe } from "../shared/me.js";

/** GET /me: the caller's identity and profile. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const profile = await getProfile(user.sub);
  return json(200, toMe(user, profile));
});
