/**
 * Points this test file's `shared/` modules at the test stack's DynamoDB Local, for tests that
 * call data modules or handlers in-process. Call it before the first data access (in `beforeAll`):
 * `shared/runtime/config.ts` memoises each variable on first read.
 */
import { vi } from "vitest";
import { stack } from "./stack.js";

export function useLocalData(): void {
  const { region, dynamodb } = stack();
  vi.stubEnv("AWS_REGION", region);
  vi.stubEnv("TABLE_NAME", dynamodb.tables.data);
  vi.stubEnv("DYNAMODB_ENDPOINT", dynamodb.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
}
