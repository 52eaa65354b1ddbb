import { api } from "../shared/http/api.js";
import { NotFoundError } from "../shared/http/errors.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { isSub, setStatus } from "../shared/users/profiles.js";
import { setSignInEnabled } from "../shared/users/accounts.js";
import { requireActive } from "../shared/users/admin-guards.js";

/**
 * POST /admin/users/{sub}/enable (admins only): the user may sign in again (profile active, Cognito
 * user enabled). Sessions ended by the disable stay ended: the user signs in anew.
 */
export const handler = api(async (event) => {
  const admin = requireAdmin(event);
  const sub = event.pathParameters?.["sub"];
  if (!isSub(sub)) throw new NotFoundError("No such user.");
  await requireActive(admin);
  if (!(await setStatus(sub, "active"))) throw new NotFoundError("No such user.");
  await setSignInEnabled(sub, true);
  return json(204);
});
