/** The shape of `.local/stack.json` (docs/local-stack.md), shared by scripts and tests. */
export interface StackInfo {
  stage: string;
  region: string;
  apiUrl: string;
  /** The browser demo page (Amplify sign-up, sign-in, /me, notes, files). */
  demoUrl: string;
  cognito: { endpoint: string; userPoolId: string; userPoolClientId: string; issuer: string };
  dynamodb: { endpoint: string; tables: { data: string; legacyUsers: string } };
  s3: { endpoint: string; bucket: string };
  allowedEmailDomains: string[];
  seed: {
    admin: { email: string; password: string };
    legacyUser: { email: string; password: string };
  };
}

/** The environment that points a locally invoked function at the running local stack. */
export function localStackEnv(info: StackInfo): Record<string, string> {
  return {
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    DYNAMODB_ENDPOINT: info.dynamodb.endpoint,
    COGNITO_ENDPOINT: info.cognito.endpoint,
    S3_ENDPOINT: info.s3.endpoint,
    USER_POOL_ID: info.cognito.userPoolId,
    USER_POOL_CLIENT_ID: info.cognito.userPoolClientId,
    JWT_ISSUER: info.cognito.issuer,
  };
}
