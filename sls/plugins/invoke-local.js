/**
 * Makes `serverless invoke local` behave as the function does in Lambda, and exit:
 * - serverless-esbuild keeps esbuild's build contexts (and so its child process) open until its
 *   `after:invoke:local:invoke` hook, which never runs when the handler throws: the command
 *   printed the error and then hung. Once the bundles are built, esbuild is stopped.
 * - As in Lambda, nothing else is switched on: the logger maps a logged error's stack to the
 *   TypeScript file and line (shared/runtime/source-map.ts).
 * Plain JavaScript because Serverless loads plugins with Node itself; tsc checks it (`checkJs`).
 */
import { stop } from "esbuild";

export default class InvokeLocal {
  constructor() {
    // Runs after serverless-esbuild's hook of the same name (plugins run in listed order).
    this.hooks = { "before:invoke:local:invoke": () => this.likeLambda() };
  }

  async likeLambda() {
    await stop();
  }
}
