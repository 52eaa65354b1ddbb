/** The outputs of a deployed stage's CloudFormation stack, read with the caller's credentials. */
import { type CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";

/** `{ OutputKey: OutputValue }` of `stackName`; DescribeStacks' errors are the caller's to word. */
export async function stackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]),
  );
}
