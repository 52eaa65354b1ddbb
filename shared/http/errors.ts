/**
 * HTTP-facing errors. Handlers throw these; the error mapper in `api.ts` turns them into
 * `application/problem+json` responses. Their messages are shown to callers, so they never hold
 * internal names. Anything else thrown becomes a generic 500.
 */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class BadRequestError extends HttpError {
  override name = "BadRequestError";
  constructor(detail: string) {
    super(400, "Bad Request", detail);
  }
}

export class UnauthorizedError extends HttpError {
  override name = "UnauthorizedError";
  constructor(detail = "A valid access token is required.") {
    super(401, "Unauthorized", detail);
  }
}

export class ForbiddenError extends HttpError {
  override name = "ForbiddenError";
  constructor(detail = "You are not allowed to do this.") {
    super(403, "Forbidden", detail);
  }
}

export class NotFoundError extends HttpError {
  override name = "NotFoundError";
  constructor(detail = "The resource does not exist.") {
    super(404, "Not Found", detail);
  }
}

export class ConflictError extends HttpError {
  override name = "ConflictError";
  constructor(detail: string) {
    super(409, "Conflict", detail);
  }
}

export class PreconditionFailedError extends HttpError {
  override name = "PreconditionFailedError";
  constructor(detail = "The resource has changed; fetch it again and retry with its new ETag.") {
    super(412, "Precondition Failed", detail);
  }
}

export class PayloadTooLargeError extends HttpError {
  override name = "PayloadTooLargeError";
  constructor(detail: string) {
    super(413, "Payload Too Large", detail);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  override name = "UnsupportedMediaTypeError";
  constructor(detail = "The request body must be application/json.") {
    super(415, "Unsupported Media Type", detail);
  }
}

export class PreconditionRequiredError extends HttpError {
  override name = "PreconditionRequiredError";
  constructor(detail = 'Send If-Match: "<version>" with the version you last read.') {
    super(428, "Precondition Required", detail);
  }
}
