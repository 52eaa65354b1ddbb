import { api } from "../shared/api.js";
import { listFiles } from "../shared/files.js";
import { json } from "../shared/http.js";
import { requireUser } from "../shared/identity.js";
import { parseLimit, queryValue } from "../shared/validation.js";

/** GET /files?limit=&cursor=: the caller's uploaded files, newest first; the cursor is theirs. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const limit = parseLimit(event);
  const cursor = queryValue(event, "cursor");
  return json(200, await listFiles(user.sub, { limit, cursor }));
});
