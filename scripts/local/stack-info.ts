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
