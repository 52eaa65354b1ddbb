import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";

/** GET /health: public liveness probe; touches no dependency. */
export const handler = api(() => json(200, { status: "ok" }));
