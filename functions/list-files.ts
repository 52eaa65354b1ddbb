import { api } from "../shared/http/api.js";
import { listFiles } from "../shared/files/store.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { parseLimit, queryValue } from "../shared/http/validation.js";

/** GET /files?limit=&cursor=: the caller's uploaded files, newest first; the cursor is theirs. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const limit = parseLimit(event);
  const cursor = queryValue(event, "cursor");
  return json(200, await listFiles(user.sub, { limit, cursor }));
});
