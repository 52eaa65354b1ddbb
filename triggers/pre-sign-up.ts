import type { PreSignUpTriggerHandler } from "aws-lambda";
import { config } from "../shared/config.js";

export const handler: PreSignUpTriggerHandler = async (event) => {
  const email = event.request.userAttributes["email"] ?? "";
  const domain = email.split("@")[1]?.toLowerCase() ?? "";
  if (!config.allowedEmailDomains().includes(domain)) throw new Error("This email domain is not allowed.");
  return event;
};
