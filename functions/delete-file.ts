import { api } from "../shared/http/api.js";
import { deleteFile } from "../shared/files/store.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { countMetric } from "../shared/runtime/metrics.js";

/** DELETE /files/{fileId}: removes the caller's object and its metadata; 404 for anyone else's. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  await deleteFile(user.sub, event.pathParameters?.["fileId"]);
  countMetric("FileDeleted");
  return json(204);
});
