import { api } from "../shared/http/api.js";
import { NotFoundError } from "../shared/http/errors.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { isSub, setStatus } from "../shared/users/profiles.js";

/** POST /admin/users/{sub}/disable: marks the user disabled; PreAuthentication refuses their next sign-in (admins only). */
export const handler = api(async (event) => {
  requireAdmin(event);
  const sub = event.pathParameters?.["sub"];
  if (!isSub(sub) || !(await setStatus(sub, "disabled"))) throw new NotFoundError("No such user.");
  return json(204);
});
