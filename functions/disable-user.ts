import { api } from "../shared/http/api.js";
import { ConflictError, NotFoundError } from "../shared/http/errors.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { isSub, setStatus } from "../shared/users/profiles.js";
import { setSignInEnabled, signOutEverywhere } from "../shared/users/accounts.js";
import { refuseLastActiveAdmin, requireActive } from "../shared/users/admin-guards.js";

/**
 * POST /admin/users/{sub}/disable (admins only): the user is out. The profile says disabled first
 * (PreAuthentication and PreTokenGeneration refuse sign-in and refresh from then on), then every
 * session is ended (refresh tokens revoked) and Cognito disables the user. A retry after a failure
 * repeats each step harmlessly. An admin cannot disable themselves or the last active admin (409).
 */
export const handler = api(async (event) => {
  const admin = requireAdmin(event);
  const sub = event.pathParameters?.["sub"];
  if (!isSub(sub)) throw new NotFoundError("No such user.");
  if (sub === admin.sub) throw new ConflictError("You cannot disable your own account.");
  await requireActive(admin);
  await refuseLastActiveAdmin(sub);
  if (!(await setStatus(sub, "disabled"))) throw new NotFoundError("No such user.");
  await signOutEverywhere(sub);
  await setSignInEnabled(sub, false);
  return json(204);
});
