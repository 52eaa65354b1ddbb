import { defineConfig } from "vitest/config";

// The suite also runs on Node 20 until the AWS SDK's early-2027 releases (docs/development.md);
// cognito-local still loads SDK v2. Their notices say nothing a test run needs.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
process.env["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] ??= "1";

// What serverless.yml gives every function; tests see a specific origin, not `*`.
const env = { CORS_ORIGIN: "https://app.example.com" };

// Three projects. `unit` (`npm run test:unit`, the inner loop) runs in-process tests in parallel:
// nothing is packaged and no emulator started. `template` runs `serverless print` and `serverless
// package` and checks what would be deployed: roles, stages, bundles, the OpenAPI description.
// `integration` (files named *.int.test.ts) runs against the local stack (DynamoDB Local, the S3
// emulator, the Cognito emulator and serverless-offline) that its global setup starts on free
// ports and stops afterwards. `npm test` runs all three.
const TEMPLATE = ["test/template/**/*.test.ts", "test/scripts/openapi.test.ts"];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          env,
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.int.test.ts", ...TEMPLATE],
          // Property-based tests run hundreds of cases: on a loaded 2-core machine the default
          // 5 s per test is a flake, not a finding.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "template",
          env,
          include: TEMPLATE,
          exclude: ["test/**/*.int.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "integration",
          env,
          include: ["test/**/*.int.test.ts"],
          globalSetup: ["test/setup/local-stack.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
