import { api } from "../shared/api.js";
import { json } from "../shared/http.js";

/** GET /health: public liveness probe; touches no dependency. */
export const handler = api(() => json(200, { status: "ok" }));
