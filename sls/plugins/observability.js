/**
 * Alarms, a dashboard and X-Ray tracing for every stage, derived from the packaged template so that
 * a new function, table or route is covered the moment it exists (docs/operations.md).
 *
 * From `custom.observability` (values from the stage's `params`):
 * - `alarmEmail`: an address subscribed to the stage's alarm topic (empty: the topic only).
 * - `apiLatencyP99Ms`: the API's p99 latency, over three five-minute periods, that alarms.
 * - `api5xxRate`: the share of 5XX answers, over five minutes, that alarms (0.05 = 5 %).
 *
 * It adds, once Serverless has merged `resources:` into the template:
 * - `AlarmTopic` (SNS), with an email subscription when `alarmEmail` is set;
 * - per Lambda function: an `Errors` alarm (an unhandled error or a timeout: for a trigger, a
 *   failed sign-up or sign-in; for the authorizer, a 500 to every caller) and a `Throttles` alarm;
 * - per DynamoDB table: a throttled-requests alarm (table and indexes, reads and writes);
 * - for the API: a 5XX-rate alarm and a p99-latency alarm on the stage;
 * - `DependencyUnavailable`: the 503 answers the routes give when DynamoDB or S3 cannot be reached
 *   (custom metric `ServiceUnavailable`, namespace `<service>-<stage>`, emitted by shared/http/api.ts);
 * - `TriggerFailed`: a user-pool trigger failed for a reason that is not the user's (custom metric
 *   `TriggerFailed`, emitted by shared/cognito/trigger.ts). A trigger's `Errors` alarm also counts
 *   its refusals (a refused sign-up is a thrown error to Lambda); this one counts only faults;
 * - a CloudWatch dashboard with the same signals;
 * - active X-Ray tracing: the write permission on every function's role, and on the API stage.
 * Every alarm notifies the topic when it fires and when it recovers.
 * Plain JavaScript because Serverless loads plugins with Node itself; tsc checks it (`checkJs`).
 */

/**
 * @typedef {{ Type: string, Properties: Record<string, unknown>, DependsOn?: string[], Condition?: string }} Resource
 * @typedef {{
 *   service: string,
 *   custom?: { observability?: { alarmEmail?: unknown, apiLatencyP99Ms?: unknown, api5xxRate?: unknown } },
 *   provider: {
 *     stage: string,
 *     compiledCloudFormationTemplate: {
 *       Resources: Record<string, Resource>,
 *       Conditions?: Record<string, unknown>,
 *       Outputs?: Record<string, unknown>,
 *     },
 *   },
 * }} Service
 */

export const TOPIC_ID = "AlarmTopic";
export const XRAY_POLICY = "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess";
const FIVE_MINUTES = 300;

/** The name an alarm's logical id starts with: `GetMeLambdaFunction` -> `GetMe`. */
/** @param {string} id */
const baseName = (id) => id.replace(/LambdaFunction$|Table$/, "");

/**
 * @param {Record<string, unknown>} properties
 * @returns {Resource}
 */
function alarm(properties) {
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      ActionsEnabled: true,
      AlarmActions: [{ Ref: TOPIC_ID }],
      OKActions: [{ Ref: TOPIC_ID }],
      TreatMissingData: "notBreaching",
      ...properties,
    },
  };
}

/**
 * @param {string} namespace
 * @param {string} name
 * @param {{ Name: string, Value: unknown }[]} dimensions
 */
const metric = (namespace, name, dimensions) => ({
  Namespace: namespace,
  MetricName: name,
  Dimensions: dimensions,
});

/** @param {unknown} value @param {number} fallback */
const positiveOr = (value, fallback) => {
  if (value === undefined || value === null || value === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`custom.observability: ${JSON.stringify(value)} is not a positive number`);
  }
  return number;
};

export default class Observability {
  /** @param {{ service: Service }} serverless */
  constructor(serverless) {
    this.service = serverless.service;
    // After `resources:` are merged in, so that the roles they declare can be traced.
    this.hooks = {
      "after:aws:package:finalize:mergeCustomProviderResources": () => this.observe(),
    };
  }

  observe() {
    const { provider, custom } = this.service;
    const template = provider.compiledCloudFormationTemplate;
    const resources = template.Resources;
    const settings = custom?.observability ?? {};
    const prefix = `${this.service.service}-${provider.stage}`;
    const latencyMs = positiveOr(settings.apiLatencyP99Ms, 2000);
    const rate5xx = positiveOr(settings.api5xxRate, 0.05);
    const email = typeof settings.alarmEmail === "string" ? settings.alarmEmail.trim() : "";

    resources[TOPIC_ID] = {
      Type: "AWS::SNS::Topic",
      Properties: { TopicName: `${prefix}-alarms`, DisplayName: `${prefix} alarms` },
    };
    if (email !== "") {
      resources["AlarmEmailSubscription"] = {
        Type: "AWS::SNS::Subscription",
        Properties: { TopicArn: { Ref: TOPIC_ID }, Protocol: "email", Endpoint: email },
      };
    }

    const functions = Object.entries(resources).filter(
      ([, r]) => r.Type === "AWS::Lambda::Function",
    );
    for (const [id, fn] of functions) {
      const name = baseName(id);
      const dimensions = [{ Name: "FunctionName", Value: { Ref: id } }];
      resources[`${name}ErrorsAlarm`] = alarm({
        AlarmDescription: `${id}: unhandled errors or timeouts (docs/operations.md#function-errors)`,
        ...metric("AWS/Lambda", "Errors", dimensions),
        Statistic: "Sum",
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
      resources[`${name}ThrottlesAlarm`] = alarm({
        AlarmDescription: `${id}: invocations throttled (docs/operations.md#function-throttles)`,
        ...metric("AWS/Lambda", "Throttles", dimensions),
        Statistic: "Sum",
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
      this.traced(resources, fn);
    }

    const tables = Object.entries(resources).filter(([, r]) => r.Type === "AWS::DynamoDB::Table");
    for (const [id] of tables) {
      const dimensions = [{ Name: "TableName", Value: { Ref: id } }];
      resources[`${baseName(id)}TableThrottlesAlarm`] = alarm({
        AlarmDescription: `${id}: reads or writes throttled (docs/operations.md#dynamodb-throttles)`,
        Metrics: [
          {
            Id: "reads",
            ReturnData: false,
            MetricStat: {
              Metric: metric("AWS/DynamoDB", "ReadThrottleEvents", dimensions),
              Period: FIVE_MINUTES,
              Stat: "Sum",
            },
          },
          {
            Id: "writes",
            ReturnData: false,
            MetricStat: {
              Metric: metric("AWS/DynamoDB", "WriteThrottleEvents", dimensions),
              Period: FIVE_MINUTES,
              Stat: "Sum",
            },
          },
          { Id: "throttled", Expression: "reads + writes", Label: "Throttle events" },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    }

    const api = resources["ApiGatewayRestApi"];
    const stage = resources["ApiGatewayStage"];
    if (api !== undefined) {
      const dimensions = [
        { Name: "ApiName", Value: api.Properties["Name"] },
        { Name: "Stage", Value: provider.stage },
      ];
      resources["Api5xxAlarm"] = alarm({
        AlarmDescription: `API: more than ${rate5xx * 100} % of answers are 5XX (docs/operations.md#api-5xx)`,
        ...metric("AWS/ApiGateway", "5XXError", dimensions),
        Statistic: "Average",
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: rate5xx,
        ComparisonOperator: "GreaterThanThreshold",
      });
      resources["ApiLatencyAlarm"] = alarm({
        AlarmDescription: `API: p99 latency above ${latencyMs} ms (docs/operations.md#api-latency)`,
        ...metric("AWS/ApiGateway", "Latency", dimensions),
        ExtendedStatistic: "p99",
        Period: FIVE_MINUTES,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: latencyMs,
        ComparisonOperator: "GreaterThanThreshold",
      });
      if (stage !== undefined) stage.Properties["TracingEnabled"] = true;
    }

    resources["DependencyUnavailableAlarm"] = alarm({
      AlarmDescription:
        "Routes answered 503: DynamoDB or S3 throttled or unreachable (docs/operations.md#dependency-unavailable)",
      ...metric(prefix, "ServiceUnavailable", []),
      Statistic: "Sum",
      Period: FIVE_MINUTES,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });

    resources["TriggerFailedAlarm"] = alarm({
      AlarmDescription:
        "A user-pool trigger failed for a reason not the user's: sign-ups or sign-ins fail (docs/operations.md#trigger-failed)",
      ...metric(prefix, "TriggerFailed", []),
      Statistic: "Sum",
      Period: FIVE_MINUTES,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });

    resources["Dashboard"] = this.dashboard(prefix, functions, tables, api);
  }

  /**
   * Active tracing on a function, and the X-Ray write permission on its role.
   * @param {Record<string, Resource>} resources
   * @param {Resource} fn
   */
  traced(resources, fn) {
    fn.Properties["TracingConfig"] = { Mode: "Active" };
    const role = fn.Properties["Role"];
    const roleId =
      typeof role === "object" &&
      role !== null &&
      "Fn::GetAtt" in role &&
      Array.isArray(role["Fn::GetAtt"])
        ? String(role["Fn::GetAtt"][0])
        : undefined;
    const roleResource = roleId === undefined ? undefined : resources[roleId];
    if (roleResource === undefined || roleResource.Type !== "AWS::IAM::Role") {
      throw new Error("observability: every function needs a role of its own in the template");
    }
    const managed = roleResource.Properties["ManagedPolicyArns"];
    const arns = Array.isArray(managed) ? managed : [];
    const xray = { "Fn::Sub": XRAY_POLICY };
    if (!arns.some((arn) => JSON.stringify(arn) === JSON.stringify(xray))) arns.push(xray);
    roleResource.Properties["ManagedPolicyArns"] = arns;
  }

  /**
   * @param {string} prefix
   * @param {[string, Resource][]} functions
   * @param {[string, Resource][]} tables
   * @param {Resource | undefined} api
   * @returns {Resource}
   */
  dashboard(prefix, functions, tables, api) {
    /** `${LogicalId}` in Fn::Sub is the resource's Ref (a function's or a table's name). */
    /** @param {string} id */
    const ref = (id) => `\${${id}}`;
    const apiName = api === undefined ? undefined : String(api.Properties["Name"]);
    const stage = this.service.provider.stage;
    /** @param {string} title @param {unknown[]} metrics @param {number} y @param {string} [stat] */
    const widget = (title, metrics, y, stat = "Sum") => ({
      type: "metric",
      x: 0,
      y,
      width: 24,
      height: 6,
      properties: {
        title,
        metrics,
        stat,
        period: FIVE_MINUTES,
        region: "${AWS::Region}",
        view: "timeSeries",
      },
    });
    const widgets = [];
    if (apiName !== undefined) {
      const dims = ["ApiName", apiName, "Stage", stage];
      widgets.push(
        widget(
          "API requests and errors",
          [
            ["AWS/ApiGateway", "Count", ...dims],
            ["AWS/ApiGateway", "4XXError", ...dims],
            ["AWS/ApiGateway", "5XXError", ...dims],
          ],
          0,
        ),
        widget(
          "API latency (p50, p99)",
          [
            ["AWS/ApiGateway", "Latency", ...dims, { stat: "p50" }],
            ["AWS/ApiGateway", "Latency", ...dims, { stat: "p99" }],
          ],
          6,
          "p99",
        ),
      );
    }
    widgets.push(
      widget(
        "Function errors",
        functions.map(([id]) => ["AWS/Lambda", "Errors", "FunctionName", ref(id)]),
        12,
      ),
      widget(
        "Function throttles",
        functions.map(([id]) => ["AWS/Lambda", "Throttles", "FunctionName", ref(id)]),
        18,
      ),
      widget(
        "Function duration (p99)",
        functions.map(([id]) => ["AWS/Lambda", "Duration", "FunctionName", ref(id)]),
        24,
        "p99",
      ),
      widget(
        "DynamoDB throttle events",
        tables.flatMap(([id]) => [
          ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", ref(id)],
          ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", ref(id)],
        ]),
        30,
      ),
      widget(
        "Route outcomes and 503s",
        [
          [prefix, "Route2xx"],
          [prefix, "Route4xx"],
          [prefix, "Route5xx"],
          [prefix, "ServiceUnavailable"],
          [prefix, "TriggerFailed"],
        ],
        36,
      ),
    );
    return {
      Type: "AWS::CloudWatch::Dashboard",
      Properties: {
        DashboardName: prefix,
        DashboardBody: { "Fn::Sub": JSON.stringify({ widgets }) },
      },
    };
  }
}
