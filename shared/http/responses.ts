/**
 * The one response builder and the one problem builder (RFC 9457). No handler writes
 * `{ statusCode, headers, body }` itself.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import { config } from "../runtime/config.js";

/** The stage's one CORS origin: the same the routes' OPTIONS answers and gateway responses send. */
const cors = () => ({
  "Access-Control-Allow-Origin": config.corsOrigin(),
  "Access-Control-Expose-Headers": "ETag, Location",
});

export type Headers = Record<string, string>;

/** A JSON response; `body` undefined gives an empty body (204). */
export function json(status: number, body?: unknown, headers: Headers = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      ...cors(),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

/** An `application/problem+json` response: `{ type, title, status, detail }`. */
export function problem(
  status: number,
  title: string,
  detail: string,
  headers: Headers = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...cors(), "Content-Type": "application/problem+json", ...headers },
    body: JSON.stringify({ type: "about:blank", title, status, detail }),
  };
}

/** The strong ETag of a versioned item. */
export function etag(version: number): string {
  return `"${version}"`;
}

/** Reads a header whatever its case (API Gateway keeps the client's casing). */
export function header(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
