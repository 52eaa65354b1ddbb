import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { listProfiles } from "../shared/users/profiles.js";
import { parseLimit, queryValue } from "../shared/http/validation.js";

/** GET /admin/users?limit=&cursor=: every user's profile summary, newest first (admins only). */
export const handler = api(async (event) => {
  const admin = requireAdmin(event);
  const page = await listProfiles(admin.sub, {
    limit: parseLimit(event),
    cursor: queryValue(event, "cursor"),
  });
  return json(200, {
    ...page,
    items: page.items.map(({ sub, email, status, createdAt, lastLoginAt }) => ({
      sub,
      email,
      status,
      createdAt,
      lastLoginAt,
    })),
  });
});
