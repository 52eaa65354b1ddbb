import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ofType, packageStage, type Resource, type Template } from "../support/template.js";

interface Alarm {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[];
  AlarmActions: unknown[];
  OKActions: unknown[];
}

const TOPIC = { Ref: "AlarmTopic" };

describe("observability (sls/plugins/observability.js)", () => {
  let template: Template;
  let dir: string;
  let alarms: Alarm[];

  beforeAll(async () => {
    ({ template, dir } = await packageStage("dev"));
    alarms = ofType(template, "AWS::CloudWatch::Alarm").map(
      ([, alarm]) => alarm.Properties as unknown as Alarm,
    );
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Alarms on a Lambda metric of the function with this logical id. */
  const lambdaAlarms = (functionId: string, metric: string) =>
    alarms.filter(
      (alarm) =>
        alarm.Namespace === "AWS/Lambda" &&
        alarm.MetricName === metric &&
        JSON.stringify(alarm.Dimensions) ===
          JSON.stringify([{ Name: "FunctionName", Value: { Ref: functionId } }]),
    );

  it("gives every function an errors alarm and a throttles alarm", () => {
    const functions = ofType(template, "AWS::Lambda::Function");

    expect(functions.length).toBeGreaterThan(20);
    for (const [id] of functions) {
      expect(lambdaAlarms(id, "Errors"), id).toHaveLength(1);
      expect(lambdaAlarms(id, "Throttles"), id).toHaveLength(1);
    }
  });

  it("alarms on the API stage's 5XX rate and p99 latency", () => {
    const api = template.Resources["ApiGatewayRestApi"] as Resource;
    const dimensions = [
      { Name: "ApiName", Value: api.Properties["Name"] },
      { Name: "Stage", Value: "dev" },
    ];
    const onApi = (metric: string) =>
      alarms.filter(
        (alarm) =>
          alarm.Namespace === "AWS/ApiGateway" &&
          alarm.MetricName === metric &&
          JSON.stringify(alarm.Dimensions) === JSON.stringify(dimensions),
      );

    expect(onApi("5XXError")).toHaveLength(1);
    expect(onApi("Latency")).toMatchObject([{ ExtendedStatistic: "p99" }]);
  });

  it("alarms on throttling of every DynamoDB table, reads and writes", () => {
    for (const [id] of ofType(template, "AWS::DynamoDB::Table")) {
      const onTable = alarms.filter((alarm) =>
        JSON.stringify(alarm.Metrics ?? []).includes(`"Ref":"${id}"`),
      );
      const metrics = onTable.flatMap((alarm) =>
        (alarm.Metrics ?? []).flatMap((m) =>
          m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
        ),
      );

      expect(metrics.sort(), id).toEqual(["ReadThrottleEvents", "WriteThrottleEvents"]);
    }
  });

  it("alarms on the routes' 503 answers, counted by the ServiceUnavailable metric", () => {
    expect(alarms.filter((alarm) => alarm.MetricName === "ServiceUnavailable")).toMatchObject([
      { Namespace: "cognito-api-dev" },
    ]);
  });

  it("alarms on a trigger's faults, counted by the TriggerFailed metric apart from refusals", () => {
    expect(alarms.filter((alarm) => alarm.MetricName === "TriggerFailed")).toMatchObject([
      { Namespace: "cognito-api-dev", Threshold: 1 },
    ]);
  });

  it("makes every alarm notify the stage's topic when it fires and when it clears", () => {
    expect(template.Resources["AlarmTopic"]?.Type).toBe("AWS::SNS::Topic");
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([TOPIC]);
      expect(alarm.OKActions).toEqual([TOPIC]);
    }
  });

  it("traces every function and the API stage, with the X-Ray write permission on each role", () => {
    for (const [id, fn] of ofType(template, "AWS::Lambda::Function")) {
      expect(fn.Properties["TracingConfig"], id).toEqual({ Mode: "Active" });
      const [roleId] = (fn.Properties["Role"] as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"];
      const role = template.Resources[roleId] as Resource;
      expect(JSON.stringify(role.Properties["ManagedPolicyArns"]), id).toContain(
        "AWSXRayDaemonWriteAccess",
      );
    }
    expect(template.Resources["ApiGatewayStage"]?.Properties["TracingEnabled"]).toBe(true);
  });

  it("draws a dashboard naming every function", () => {
    const [[, dashboard] = []] = ofType(template, "AWS::CloudWatch::Dashboard");
    const body = JSON.stringify(dashboard?.Properties["DashboardBody"]);

    for (const [id] of ofType(template, "AWS::Lambda::Function"))
      expect(body).toContain(`\${${id}}`);
  });
});
