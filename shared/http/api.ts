/**
 * The one middy stack every route uses: a request-scoped logger, the body-size limit, and the
 * error mapper last. Handlers stay a table of contents; no handler builds its own error response.
 */
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { HttpError, PayloadTooLargeError } from "./errors.js";
import { problem } from "./responses.js";
import { logger as rootLogger, type Logger } from "../runtime/logger.js";
import { countMetric } from "../runtime/metrics.js";
import { config } from "../runtime/config.js";

/** Largest accepted request body, in bytes (64 KiB, 413 above; docs/api.md). */
export const MAX_BODY_BYTES = 64 * 1024;

export type ApiEvent = APIGatewayProxyEvent;
export type ApiContext = Context & { logger: Logger };
export type ApiHandler = (
  event: ApiEvent,
  context: ApiContext,
) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

/**
 * SDK error names of a dependency that refused or failed the call for now (throttled, busy, timed
 * out, an internal error on its side): retrying later may succeed, so the caller gets a 503.
 */
const transient = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "SlowDown",
  "ServiceUnavailable",
  "TimeoutError",
  "InternalServerError",
]);

/** Node's codes for a dependency that cannot be reached: as retryable as the errors above. */
const unreachable = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return transient.has(error.name) || (typeof code === "string" && unreachable.has(code));
}

function bodyBytes(event: ApiEvent): number {
  // `serverless invoke local` and hand-written events may leave `body` out entirely.
  if (typeof event.body !== "string") return 0;
  return event.isBase64Encoded
    ? Math.floor((event.body.length * 3) / 4)
    : Buffer.byteLength(event.body, "utf8");
}

/** What a 503 asks callers to wait before retrying: DynamoDB and S3 throttling is short-lived. */
const RETRY_AFTER_SECONDS = "1";

/** Maps any thrown value to a problem response; unknown errors are logged and become a bare 500. */
export function toProblem(error: unknown, log: Logger): APIGatewayProxyResult {
  if (error instanceof HttpError) return problem(error.status, error.title, error.message);
  if (isUnavailable(error)) {
    log.warn("dependency unavailable", { error });
    countMetric("ServiceUnavailable");
    return problem(503, "Service Unavailable", "The service is busy; retry shortly.", {
      "Retry-After": RETRY_AFTER_SECONDS,
    });
  }
  log.error("unhandled error", { error });
  return problem(500, "Internal Server Error", "Something went wrong on our side.");
}

/** Counts a route's answer by class: the `Route2xx`/`Route4xx`/`Route5xx` metrics. */
function countOutcome(response: APIGatewayProxyResult | null | undefined): void {
  const status = response?.statusCode ?? 500;
  countMetric(status >= 500 ? "Route5xx" : status >= 400 ? "Route4xx" : "Route2xx");
}

/** True for the first invocation of this container: the `coldStart` field of every log line. */
let coldStart = true;

/** Wraps a route handler in the shared middleware stack. */
export function api(handler: ApiHandler) {
  return middy<ApiEvent, APIGatewayProxyResult, Error, ApiContext>()
    .before((request) => {
      request.context.logger = rootLogger.child({
        requestId: request.context.awsRequestId,
        apiRequestId: request.event.requestContext.requestId,
        traceId: config.traceId(),
        coldStart,
        route: `${request.event.httpMethod} ${request.event.resource}`,
      });
      coldStart = false;
      if (bodyBytes(request.event) > MAX_BODY_BYTES) {
        throw new PayloadTooLargeError(`The request body must be at most ${MAX_BODY_BYTES} bytes.`);
      }
    })
    .after((request) => {
      countOutcome(request.response);
    })
    .onError((request) => {
      request.response = toProblem(request.error, request.context.logger);
      countOutcome(request.response);
    })
    .handler((event, context) => Promise.resolve(handler(event, context)));
}
