/**
 * Declares the REST API's stage in CloudFormation, with its throttling and access logs.
 *
 * Serverless Framework (v3, osls and v4) creates the stage implicitly through a Deployment whose
 * logical id changes on every deploy, and applies `provider.logs.restApi` afterwards through the
 * SDK, so neither a stage-wide throttle nor the access-log settings appear in the template, and
 * `resources` cannot reach them. This plugin moves the stage into an explicit
 * `AWS::ApiGateway::Stage` (the pattern AWS SAM uses): the Deployment only snapshots the API, and
 * the stage points at it.
 *
 * The Deployment also depends on every gateway response (sls/resources/gateway-responses.yml):
 * otherwise CloudFormation may snapshot the API before an edited response is updated, and the
 * stage keeps serving the old one until the next deploy.
 *
 * Settings come from serverless.yml: `custom.apiStage.throttle` (`rateLimit`, `burstLimit`, from
 * the stage's `params`) and `provider.logs.restApi.format` (the same access-log format Serverless
 * applies itself). Execution logging stays off: it would log request headers, tokens included.
 * Plain JavaScript because Serverless loads plugins with Node itself; tsc checks it (`checkJs`).
 */

/**
 * @typedef {{ Type: string, Properties: Record<string, unknown>, DependsOn?: string[] }} Resource
 * @typedef {{
 *   resources?: { Resources?: Record<string, Resource> },
 *   custom?: { apiStage?: { throttle?: { rateLimit?: unknown, burstLimit?: unknown } } },
 *   provider: {
 *     compiledCloudFormationTemplate: { Resources: Record<string, Resource> },
 *     logs?: { restApi?: boolean | { format?: string } },
 *   },
 * }} Service
 */

const STAGE_ID = "ApiGatewayStage";
const ACCESS_LOG_GROUP_ID = "ApiGatewayLogGroup";
const ACCOUNT_ROLE_ID = "CustomApiGatewayAccountCloudWatchRole";

/** @param {unknown} value */
const positive = (value) => typeof value === "number" && value > 0;

export default class ApiStage {
  /** @param {{ service: Service }} serverless */
  constructor(serverless) {
    this.service = serverless.service;
    this.hooks = { "after:package:compileEvents": () => this.declareStage() };
  }

  declareStage() {
    const { custom, provider } = this.service;
    const resources = provider.compiledCloudFormationTemplate.Resources;
    const [deploymentId, deployment] =
      Object.entries(resources).find(([, r]) => r.Type === "AWS::ApiGateway::Deployment") ?? [];
    if (deploymentId === undefined || deployment === undefined) return;
    const { rateLimit, burstLimit } = custom?.apiStage?.throttle ?? {};
    if (!positive(rateLimit) || !positive(burstLimit)) {
      throw new Error("custom.apiStage.throttle needs a positive rateLimit and burstLimit");
    }
    /** @type {Resource} */
    const stage = {
      Type: "AWS::ApiGateway::Stage",
      Properties: {
        RestApiId: deployment.Properties["RestApiId"],
        DeploymentId: { Ref: deploymentId },
        StageName: deployment.Properties["StageName"],
        MethodSettings: [
          {
            HttpMethod: "*",
            ResourcePath: "/*",
            ThrottlingRateLimit: rateLimit,
            ThrottlingBurstLimit: burstLimit,
            LoggingLevel: "OFF",
            DataTraceEnabled: false,
          },
        ],
      },
    };
    const restApiLogs = provider.logs?.restApi;
    const format = typeof restApiLogs === "object" ? restApiLogs.format : undefined;
    if (format !== undefined && ACCESS_LOG_GROUP_ID in resources) {
      stage.Properties["AccessLogSetting"] = {
        // API Gateway wants the log group's ARN without the trailing ":*" that GetAtt returns.
        DestinationArn: {
          "Fn::Sub": `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${ACCESS_LOG_GROUP_ID}}`,
        },
        Format: format,
      };
      // Logging needs the account-wide CloudWatch role that Serverless's custom resource sets.
      if (ACCOUNT_ROLE_ID in resources) stage.DependsOn = [ACCOUNT_ROLE_ID];
    }
    const gatewayResponses = Object.entries({ ...this.service.resources?.Resources, ...resources })
      .filter(([, r]) => r.Type === "AWS::ApiGateway::GatewayResponse")
      .map(([id]) => id);
    deployment.DependsOn = [...new Set([...(deployment.DependsOn ?? []), ...gatewayResponses])];
    delete deployment.Properties["StageName"];
    resources[STAGE_ID] = stage;
  }
}
