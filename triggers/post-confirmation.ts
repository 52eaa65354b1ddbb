import type { PostConfirmationTriggerHandler } from "aws-lambda";
import { createProfileOnce } from "../shared/profiles.js";

export const handler: PostConfirmationTriggerHandler = async (event) => {
  if (event.triggerSource !== "PostConfirmation_ConfirmSignUp") return event;
  await createProfileOnce({ sub: event.request.userAttributes["sub"] ?? "", email: event.request.userAttributes["email"] ?? "" });
  return event;
};
