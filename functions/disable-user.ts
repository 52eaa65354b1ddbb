import { api } from "../shared/api.js";
import { NotFoundError } from "../shared/errors.js";
import { json } from "../shared/http.js";
import { requireAdmin } from "../shared/identity.js";
import { isSub, setStatus } from "../shared/profiles.js";

/** POST /admin/users/{sub}/disable: marks the user disabled; PreAuthentication refuses their next sign-in (admins only). */
export const handler = api(async (event) => {
  requireAdmin(event);
  const sub = event.pathParameters?.["sub"];
  if (!isSub(sub) || !(await setStatus(sub, "disabled"))) throw new NotFoundError("No such user.");
  return json(204);
});
