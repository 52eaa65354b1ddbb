/**
 * Refuses, before anything is built, a stage that would deploy broken or unsafe:
 * - `deploy --stage local`: `local` is the offline stack of `npm start` (emulator endpoints, a
 *   Lambda authorizer standing in for Cognito's); deployed, it would be a broken stack.
 * - an empty email-domain allowlist, CORS origin or managed-login callback/sign-out URL list
 *   outside `local` (no silent default: prod has none, so `*` there is only ever set on purpose);
 * - an upper-case stage name (it is part of the managed-login domain prefix);
 * - a stage name that makes a function name longer than Lambda's 64 characters, which
 *   CloudFormation would only report halfway through a deploy.
 * It also keeps every log group with the stack's stateful resources (`custom.logGroupDeletionPolicy`:
 * Retain in prod, so logs outlive `serverless remove` like the tables do).
 * Plain JavaScript because Serverless loads plugins with Node itself; tsc checks it (`checkJs`).
 */

/**
 * @typedef {{
 *   isLocal?: unknown, allowedEmailDomains?: unknown, corsOrigin?: unknown,
 *   oauthCallbackUrls?: unknown, oauthLogoutUrls?: unknown,
 * }} Checks
 * @typedef {{ Type: string, DeletionPolicy?: string, UpdateReplacePolicy?: string }} Resource
 * @typedef {{
 *   service: {
 *     custom?: { stageChecks?: Checks, logGroupDeletionPolicy?: unknown },
 *     provider: { stage: string, compiledCloudFormationTemplate: { Resources: Record<string, Resource> } },
 *     getAllFunctions(): string[],
 *     getFunction(key: string): { name?: string },
 *   },
 *   processedInput: { commands: string[] },
 *   classes: { Error: new (message: string) => Error },
 * }} Serverless
 */

const MAX_FUNCTION_NAME = 64;
const STAGE_NAME = /^[a-zA-Z0-9-]+$/;

/** @param {unknown} value */
const text = (value) => (typeof value === "string" ? value.trim() : "");

export default class StageChecks {
  /** @param {Serverless} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      initialize: () => this.check(),
      "before:package:finalize": () => this.keepLogGroups(),
    };
  }

  /**
   * @param {string} message
   * @returns {never}
   */
  fail(message) {
    throw new this.serverless.classes.Error(message);
  }

  check() {
    const [command] = this.serverless.processedInput.commands;
    if (command !== "deploy" && command !== "package") return;
    const { service } = this.serverless;
    const stage = service.provider.stage;
    const checks = service.custom?.stageChecks ?? {};
    if (checks.isLocal === true) {
      if (command === "deploy") {
        this.fail(
          `Stage "${stage}" is the local stack of \`npm start\` and cannot be deployed. ` +
            "Deploy another stage, e.g. `serverless deploy --stage dev`.",
        );
      }
      return;
    }
    if (!STAGE_NAME.test(stage)) {
      this.fail(`Stage name "${stage}" may hold only letters, digits and hyphens.`);
    }
    if (stage !== stage.toLowerCase()) {
      this.fail(
        `Stage name "${stage}" must be lower-case: it is part of the managed-login domain ` +
          "prefix, which Cognito allows only in lower case.",
      );
    }
    const tooLong = service
      .getAllFunctions()
      .map((key) => service.getFunction(key).name ?? "")
      .filter((name) => name.length > MAX_FUNCTION_NAME);
    if (tooLong.length > 0) {
      const excess = Math.max(...tooLong.map((name) => name.length)) - MAX_FUNCTION_NAME;
      this.fail(
        `Stage name "${stage}" is too long: function names such as "${tooLong[0]}" would exceed ` +
          `Lambda's ${MAX_FUNCTION_NAME} characters. Use a stage name at least ${excess} ` +
          `character${excess === 1 ? "" : "s"} shorter.`,
      );
    }
    if (text(checks.allowedEmailDomains) === "") {
      this.fail(
        `Stage "${stage}" has no email-domain allowlist. Set ALLOWED_EMAIL_DOMAINS ` +
          "(comma-separated, e.g. example.com,example.org) or params.<stage>.allowedEmailDomains " +
          "in serverless.yml.",
      );
    }
    if (text(checks.corsOrigin) === "") {
      this.fail(
        `Stage "${stage}" has no CORS origin. Set CORS_ORIGIN to the one origin browsers call the ` +
          "API from (e.g. https://app.example.com), or to '*' if any site may call it.",
      );
    }
    for (const [name, variable] of /** @type {const} */ ([
      ["oauthCallbackUrls", "OAUTH_CALLBACK_URLS"],
      ["oauthLogoutUrls", "OAUTH_LOGOUT_URLS"],
    ])) {
      if (text(checks[name]) === "") {
        this.fail(
          `Stage "${stage}" has no managed-login ${name === "oauthCallbackUrls" ? "callback" : "sign-out"} ` +
            `URL. Set ${variable} (comma-separated absolute URLs of your app, e.g. ` +
            "https://app.example.com/) or params.<stage>." +
            `${name} in serverless.yml.`,
        );
      }
    }
  }

  keepLogGroups() {
    const { service } = this.serverless;
    const policy = service.custom?.logGroupDeletionPolicy;
    if (policy !== "Retain" && policy !== "Delete") {
      this.fail("custom.logGroupDeletionPolicy must be Retain or Delete");
    }
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== "AWS::Logs::LogGroup") continue;
      resource.DeletionPolicy = policy;
      resource.UpdateReplacePolicy = policy;
    }
  }
}
