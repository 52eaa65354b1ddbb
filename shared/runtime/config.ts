/**
 * The one place that reads `process.env`. Each value is read and checked the first time a module
 * asks for it, then memoised: functions only need the variables they use, and a missing one fails
 * that function loudly at its first use instead of quietly using `undefined`.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new Map<string, string | undefined>();

function read(name: string): string | undefined {
  if (!cache.has(name)) {
    const value = process.env[name];
    cache.set(name, value === undefined || value === "" ? undefined : value);
  }
  return cache.get(name);
}

function required(name: string): string {
  const value = read(name);
  if (value === undefined) throw new ConfigError(`Missing environment variable ${name}`);
  return value;
}

function list(name: string): string[] {
  return required(name)
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item.length > 0);
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export const config = {
  /** AWS region the function runs in. */
  region: () => read("AWS_REGION") ?? "us-east-1",
  /** Deployment stage (`local`, `dev`, `prod`, …). */
  stage: () => read("STAGE") ?? "local",
  /** The DynamoDB table holding profiles, notes and file metadata. */
  tableName: () => required("TABLE_NAME"),
  /** The DynamoDB table of the legacy user store (UserMigration). */
  legacyUsersTable: () => required("LEGACY_USERS_TABLE"),
  /**
   * The highest bcrypt cost among the legacy store's hashes: an unknown user is answered after a
   * comparison at this cost, and cheaper hashes are padded to it (shared/cognito/legacy-users.ts).
   */
  legacyHashCost: () => integer("LEGACY_HASH_COST", 10, 4, 31),
  /** The private bucket for user files. */
  bucketName: () => required("BUCKET_NAME"),
  /** Lower-case email domains allowed to sign up. */
  allowedEmailDomains: () => list("ALLOWED_EMAIL_DOMAINS"),
  /** The Cognito user pool whose tokens the API accepts. */
  userPoolId: () => required("USER_POOL_ID"),
  /** The app client whose access tokens the API accepts. */
  userPoolClientId: () => required("USER_POOL_CLIENT_ID"),
  /** Local stage only: the emulator's token issuer (in AWS it is derived from the pool id). */
  jwtIssuer: () => read("JWT_ISSUER"),
  /** Local stage only: DynamoDB Local's endpoint. */
  dynamodbEndpoint: () => read("DYNAMODB_ENDPOINT"),
  /** Local stage only: the Cognito emulator's endpoint. */
  cognitoEndpoint: () => read("COGNITO_ENDPOINT"),
  /** Local stage only: the S3 emulator's endpoint. */
  s3Endpoint: () => read("S3_ENDPOINT"),
  /** CloudWatch namespace of the stage's metrics (shared/runtime/metrics.ts). */
  metricsNamespace: () => read("METRICS_NAMESPACE") ?? `cognito-api-${read("STAGE") ?? "local"}`,
  /** This invocation's X-Ray trace header (set by Lambda per invocation, so never memoised). */
  traceId: () => process.env["_X_AMZN_TRACE_ID"],
  /** The one browser origin allowed to read responses (`*` only where the stage sets it). */
  corsOrigin: () => required("CORS_ORIGIN"),
  /** Log level: debug, info, warn or error. */
  logLevel: () => read("LOG_LEVEL") ?? "info",
  /**
   * Share of invocations (0 to 1) logged at debug whatever `LOG_LEVEL` says, as Powertools'
   * variable of the same name; anything else reads as 0.
   */
  logSampleRate: () => {
    const rate = Number(read("POWERTOOLS_LOGGER_SAMPLE_RATE") ?? "0");
    return rate >= 0 && rate <= 1 ? rate : 0;
  },
};
