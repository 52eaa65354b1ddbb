/**
 * The local stand-in for the part of API Gateway that answers by itself. serverless-offline
 * answers a refused authorizer, an unknown route or a crashed handler with its own JSON shape; in
 * AWS the GatewayResponse resources of `sls/resources/gateway-responses.yml` answer. This small
 * reverse proxy sits on the API port in front of serverless-offline and answers those cases by
 * rendering the same GatewayResponse resources, with API Gateway's rules and nothing more:
 * - the status is the resource's own, else the one set on DEFAULT_4XX/DEFAULT_5XX, else the
 *   type's default status;
 * - headers are `'static'` values, `method.request.header.*` or `context.*` values;
 * - the body template gets simple substitution of `$context.*` and `$stageVariables.*` only (no
 *   VTL: a `#set` or `#if` stays in the body as text, so a template mistake shows up here).
 * It also enforces what API Gateway itself enforces before any function runs: the stage throttle
 * (a token bucket) and the 10 MB payload limit. Responses of the project's own handlers pass
 * through untouched.
 */
import { randomUUID } from "node:crypto";
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

/** API Gateway's gateway-response types and the status each has by default. */
const DEFAULT_STATUS = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
} as const;

export type ResponseType = keyof typeof DEFAULT_STATUS | "DEFAULT_4XX" | "DEFAULT_5XX";

/** API Gateway's own `$context.error.message` for the types this gateway produces. */
const MESSAGES: Partial<Record<ResponseType, string>> = {
  ACCESS_DENIED: "User is not authorized to access this resource",
  INTEGRATION_FAILURE: "Internal server error",
  INTEGRATION_TIMEOUT: "Endpoint request timed out",
  MISSING_AUTHENTICATION_TOKEN: "Missing Authentication Token",
  REQUEST_TOO_LARGE: "Request Too Long",
  THROTTLED: "Too Many Requests",
  UNAUTHORIZED: "Unauthorized",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported Media Type",
  DEFAULT_4XX: "Bad Request",
  DEFAULT_5XX: "Internal server error",
};

/** API Gateway's payload limit: a larger request never reaches a function. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** One `AWS::ApiGateway::GatewayResponse` resource's properties. */
export interface GatewayResponse {
  ResponseType: ResponseType;
  StatusCode?: string;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}

/** What a gateway response is rendered from. */
export interface RequestContext {
  requestId: string;
  stage: string;
  httpMethod: string;
  path: string;
  headers: IncomingHttpHeaders;
  sourceIp: string;
}

export interface Rendered {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const HEADER_PARAMETER = /^gatewayresponse\.header\.([A-Za-z0-9-]+)$/;
const STATIC_VALUE = /^'(.*)'$/s;
const REQUEST_HEADER = /^method\.request\.header\.([A-Za-z0-9-]+)$/;
const CONTEXT_VALUE = /^context\.([A-Za-z0-9_.]+)$/;
const isType = (value: unknown): value is ResponseType =>
  typeof value === "string" &&
  (value in DEFAULT_STATUS || value === "DEFAULT_4XX" || value === "DEFAULT_5XX");

/**
 * The GatewayResponse resources of a template (or of `serverless print`'s `resources`), by type.
 * Fails on what API Gateway would refuse at deploy time: an unknown type, a bad status, a header
 * mapping it cannot evaluate, or two resources for one type.
 */
export function gatewayResponses(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
): Map<ResponseType, GatewayResponse> {
  const byType = new Map<ResponseType, GatewayResponse>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== "AWS::ApiGateway::GatewayResponse") continue;
    const props = resource.Properties ?? {};
    const type = props["ResponseType"];
    if (!isType(type)) throw new Error(`${id}: unknown ResponseType ${String(type)}`);
    if (byType.has(type)) throw new Error(`${id}: a second gateway response for ${type}`);
    const status = props["StatusCode"];
    if (status !== undefined && (typeof status !== "string" || !/^[1-5]\d\d$/.test(status))) {
      throw new Error(`${id}: StatusCode must be a string such as "404"`);
    }
    const parameters = strings(id, "ResponseParameters", props["ResponseParameters"]);
    for (const [name, value] of Object.entries(parameters ?? {})) {
      if (!HEADER_PARAMETER.test(name)) throw new Error(`${id}: cannot map ${name}`);
      if (![STATIC_VALUE, REQUEST_HEADER, CONTEXT_VALUE].some((pattern) => pattern.test(value))) {
        throw new Error(`${id}: ${name} maps an expression API Gateway does not accept: ${value}`);
      }
    }
    byType.set(type, {
      ResponseType: type,
      ...(status === undefined ? {} : { StatusCode: status }),
      ...(parameters === undefined ? {} : { ResponseParameters: parameters }),
      ...withTemplates(strings(id, "ResponseTemplates", props["ResponseTemplates"])),
    });
  }
  return byType;
}

function withTemplates(templates: Record<string, string> | undefined) {
  return templates === undefined ? {} : { ResponseTemplates: templates };
}

function strings(id: string, what: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${id}: ${what} must be a map of strings`);
  }
  const entries = Object.entries(value);
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === "string")) {
    throw new Error(`${id}: ${what} must be a map of strings`);
  }
  return Object.fromEntries(entries);
}

function familyOf(type: ResponseType): "DEFAULT_4XX" | "DEFAULT_5XX" {
  if (type === "DEFAULT_4XX" || type === "DEFAULT_5XX") return type;
  return DEFAULT_STATUS[type] >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
}

function contextValues(type: ResponseType, request: RequestContext): Record<string, string> {
  const message = MESSAGES[type] ?? MESSAGES[familyOf(type)] ?? "";
  return {
    requestId: request.requestId,
    extendedRequestId: request.requestId,
    stage: request.stage,
    httpMethod: request.httpMethod,
    path: request.path,
    "identity.sourceIp": request.sourceIp,
    "error.message": message,
    "error.messageString": JSON.stringify(message),
    "error.responseType": type,
  };
}

/** Replaces `$context.x` and `$stageVariables.x` (also `${context.x}`); nothing else. */
function substitute(template: string, context: Record<string, string>): string {
  return template.replace(
    /\$\{(context|stageVariables)\.([\w.]*\w)\}|\$(context|stageVariables)\.([\w.]*\w)/g,
    (...groups: (string | undefined)[]): string => {
      const [, bracedSource, bracedName, source = bracedSource, name = bracedName ?? ""] = groups;
      return source === "context" ? (context[name] ?? "") : "";
    },
  );
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

/** Renders the gateway response of `type` as API Gateway would. */
export function renderGatewayResponse(
  responses: Map<ResponseType, GatewayResponse>,
  type: ResponseType,
  request: RequestContext,
): Rendered {
  const own = responses.get(type);
  const family = responses.get(familyOf(type));
  const response = own ?? family;
  const statusText =
    own?.StatusCode ??
    family?.StatusCode ??
    (type === "DEFAULT_4XX" ? "400" : type === "DEFAULT_5XX" ? "500" : undefined);
  const status =
    statusText === undefined
      ? DEFAULT_STATUS[type as keyof typeof DEFAULT_STATUS]
      : Number(statusText);
  const context = contextValues(type, request);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response?.ResponseParameters ?? {})) {
    const header = HEADER_PARAMETER.exec(name)?.[1];
    if (header === undefined) continue;
    const literal = STATIC_VALUE.exec(value)?.[1];
    const fromRequest = REQUEST_HEADER.exec(value)?.[1];
    const fromContext = CONTEXT_VALUE.exec(value)?.[1];
    if (literal !== undefined) headers[header] = literal;
    else if (fromRequest !== undefined) headers[header] = headerValue(request.headers, fromRequest);
    else if (fromContext !== undefined) headers[header] = context[fromContext] ?? "";
  }
  const templates = response?.ResponseTemplates ?? {};
  const template =
    templates["application/json"] ??
    Object.values(templates)[0] ??
    '{"message":$context.error.messageString}';
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
  if (!hasContentType) headers["Content-Type"] = "application/json";
  return { status, headers, body: substitute(template, context) };
}

/** The response type API Gateway would answer with where serverless-offline answered `status`. */
export function responseTypeFor(status: number): ResponseType {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "ACCESS_DENIED";
    case 404:
      return "MISSING_AUTHENTICATION_TOKEN";
    case 413:
      return "REQUEST_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 429:
      return "THROTTLED";
    case 504:
      return "INTEGRATION_TIMEOUT";
    default:
      return status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
  }
}

function isOwnResponse(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"] ?? "";
  return type.startsWith("application/problem+json");
}

/** API Gateway's stage throttle: a token bucket of `burstLimit` refilled at `rateLimit` a second. */
function tokenBucket(rateLimit: number, burstLimit: number): () => boolean {
  let tokens = burstLimit;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(burstLimit, tokens + ((now - last) / 1000) * rateLimit);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export interface GatewayOptions {
  /** The port to listen on (127.0.0.1). */
  port: number;
  /** serverless-offline's HTTP port. */
  upstreamPort: number;
  /** The stage name, first segment of every path (`$context.stage`). */
  stage: string;
  /** The template's GatewayResponse resources (see `gatewayResponses`). */
  responses: Map<ResponseType, GatewayResponse>;
  /** The stage throttle; none when undefined. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** The payload limit (API Gateway's 10 MB unless a test lowers it). */
  maxPayloadBytes?: number;
}

/**
 * The request's raw header lines, so repeated headers reach serverless-offline's
 * multiValueHeaders as in API Gateway (`req.headers` keeps only the first Authorization). A body
 * sent with no `Content-Type` gets `application/octet-stream`, the type RFC 9110 lets a recipient
 * assume: serverless-offline would otherwise label it `application/json`, while API Gateway passes
 * no type at all, and the functions must refuse it as they do in AWS.
 */
export function forwardedHeaders(req: IncomingMessage): string[] {
  const names = req.rawHeaders.filter((_, index) => index % 2 === 0).map((n) => n.toLowerCase());
  const hasBody = names.includes("content-length")
    ? req.headers["content-length"] !== "0"
    : names.includes("transfer-encoding");
  if (!hasBody || names.includes("content-type")) return req.rawHeaders;
  return [...req.rawHeaders, "Content-Type", "application/octet-stream"];
}

export interface RunningGateway {
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and forwards everything else to serverless-offline. */
export function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { responses, stage } = options;
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const admit = options.throttle
    ? tokenBucket(options.throttle.rateLimit, options.throttle.burstLimit)
    : () => true;

  const answer = (req: IncomingMessage, res: ServerResponse, type: ResponseType) => {
    const rendered = renderGatewayResponse(responses, type, {
      requestId: randomUUID(),
      stage,
      httpMethod: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
    });
    res.writeHead(rendered.status, {
      ...rendered.headers,
      "Content-Length": Buffer.byteLength(rendered.body),
    });
    res.end(rendered.body);
  };

  const server: Server = createServer((req, res) => {
    if (!admit()) {
      req.resume();
      answer(req, res, "THROTTLED");
      return;
    }
    if (Number(req.headers["content-length"] ?? 0) > maxPayload) {
      req.resume();
      req.once("end", () => answer(req, res, "REQUEST_TOO_LARGE"));
      return;
    }
    const upstream = request(
      {
        host: "127.0.0.1",
        port: options.upstreamPort,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req),
      },
      (reply) => {
        const status = reply.statusCode ?? 502;
        if (status < 400 || isOwnResponse(reply.headers)) {
          res.writeHead(status, reply.headers);
          reply.pipe(res);
          return;
        }
        reply.resume();
        answer(req, res, responseTypeFor(status));
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) res.destroy();
      else answer(req, res, "INTEGRATION_FAILURE");
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
