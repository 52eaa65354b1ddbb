/**
 * What the shared middy stack (`api()`: request logger, body-size check, error mapper) adds to
 * every invocation: a trivial handler wrapped in `api()` against the same handler called bare,
 * in alternating batches so that load from elsewhere affects both sides alike.
 */
import { api, type ApiHandler } from "../../shared/http/api.js";
import { json } from "../../shared/http/responses.js";
import { apiEvent, lambdaContext } from "../../test/fixtures/api-events.js";
import { micros, sample, summarize, type Micros, type Sample } from "./timing.js";

export interface MiddyFigures {
  bare: Micros;
  api: Micros;
  overhead: Micros;
}

const BATCHES = 20;

export async function benchMiddy(ms: number): Promise<MiddyFigures> {
  const trivial: ApiHandler = () => json(200, { status: "ok" });
  const wrapped = api(trivial);
  const event = apiEvent({ method: "GET", resource: "/health", sub: null });
  const context = lambdaContext("bench");
  const callBare = async () => trivial(event, context);
  const callApi = () => wrapped(event, context);
  for (let i = 0; i < 200; i++) await Promise.all([callBare(), callApi()]);
  const bare: Sample[] = [];
  const stacked: Sample[] = [];
  for (let i = 0; i < BATCHES; i++) {
    bare.push(await sample(callBare, ms / BATCHES / 2));
    stacked.push(await sample(callApi, ms / BATCHES / 2));
  }
  const b = micros(summarize(bare));
  const a = micros(summarize(stacked));
  return { bare: b, api: a, overhead: { best: a.best - b.best, wall: a.wall - b.wall } };
}
