/**
 * The local stack started by the vitest global setup (test/setup/local-stack.ts) on free ports,
 * for integration tests. Same shape as `.local/stack.json`.
 */
import { inject } from "vitest";
import type { StackInfo } from "../../scripts/local/stack-info.js";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export function stack(): StackInfo {
  return inject("stack");
}

declare module "vitest" {
  export interface ProvidedContext {
    stackLogsDir: string;
  }
}

/** The folder of the test stack's logs (api.log, cognito.log, mail.jsonl). */
export function stackLogsDir(): string {
  return inject("stackLogsDir");
}
