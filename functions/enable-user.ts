import { api } from "../shared/http/api.js";
import { NotFoundError } from "../shared/http/errors.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { isSub, setStatus } from "../shared/users/profiles.js";

/** POST /admin/users/{sub}/enable: marks the user active; they may sign in again (admins only). */
export const handler = api(async (event) => {
  requireAdmin(event);
  const sub = event.pathParameters?.["sub"];
  if (!isSub(sub) || !(await setStatus(sub, "active"))) throw new NotFoundError("No such user.");
  return json(204);
});
