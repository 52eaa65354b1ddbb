/**
 * The bridge between serverless.yml and the TypeScript declarations of sls/functions.ts:
 * `${file(sls/functions.cjs):functions}` is the `functions` block and
 * `${file(sls/functions.cjs):roles}` the per-function IAM roles (sls/declaration.ts builds both).
 * CommonJS because Serverless require()s a variable file; tsx compiles the TypeScript.
 */
const tsx = /** @type {typeof import("tsx/cjs/api")} */ (require("tsx/cjs/api"));

module.exports = () => {
  const { functions } = /** @type {typeof import("./functions.js")} */ (
    tsx.require("./functions.ts", __filename)
  );
  const { serverlessFunctions, roleResources } = /** @type {typeof import("./declaration.js")} */ (
    tsx.require("./declaration.ts", __filename)
  );
  return {
    functions: serverlessFunctions(functions),
    roles: { Resources: roleResources(functions) },
  };
};
