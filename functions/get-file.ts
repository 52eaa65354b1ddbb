import { api } from "../shared/http/api.js";
import { fileNotFound, getFile, withDownloadUrl } from "../shared/files/store.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";

/**
 * GET /files/{fileId}: the caller's uploaded file with a short-lived download URL. Another user's
 * file, and one whose upload never happened, are simply not found.
 */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const file = await getFile(user.sub, event.pathParameters?.["fileId"]);
  if (!file) throw fileNotFound();
  return json(200, await withDownloadUrl(user.sub, file), { "Cache-Control": "no-store" });
});
