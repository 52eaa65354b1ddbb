import { api } from "../shared/http/api.js";
import { withinSizeLimit, fileCreate } from "../shared/files/schemas.js";
import { createFile } from "../shared/files/store.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { parseBody } from "../shared/http/validation.js";
import { countMetric } from "../shared/runtime/metrics.js";

/**
 * POST /files: records the declared file as pending and answers a presigned POST form that can
 * store exactly that many bytes of that type at a key the server chose under the caller's prefix.
 */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const input = withinSizeLimit(parseBody(event, fileCreate));
  const file = await createFile(user.sub, input);
  countMetric("FileCreated");
  return json(201, file, { Location: `/files/${file.fileId}`, "Cache-Control": "no-store" });
});
