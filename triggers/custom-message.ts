/**
 * CustomMessage: a branded subject, HTML email and text message for every message source
 * (templates in shared/cognito/messages.ts). Cognito's code placeholder, and for `_AdminCreateUser` its
 * username placeholder, are passed through verbatim for Cognito to fill in; the user's `name`
 * (user-writable) is HTML-escaped. Pure: a repeat returns the same message.
 */
import type { CustomMessageTriggerEvent, CustomMessageTriggerHandler } from "aws-lambda";
import { trigger } from "../shared/cognito/trigger.js";
import { customMessage } from "../shared/cognito/messages.js";
import type { Logger } from "../shared/runtime/logger.js";

const USERNAME_PLACEHOLDER = "{username}";

function customise(event: CustomMessageTriggerEvent, log: Logger) {
  const attributes = event.request.userAttributes;
  event.response = customMessage(event.triggerSource, {
    code: event.request.codeParameter,
    username: event.request.usernameParameter ?? USERNAME_PLACEHOLDER,
    name: attributes["name"] ?? attributes["given_name"],
  });
  log.info("message customised");
}

export const handler: CustomMessageTriggerHandler = trigger<CustomMessageTriggerEvent>({
  CustomMessage_SignUp: customise,
  CustomMessage_AdminCreateUser: customise,
  CustomMessage_ResendCode: customise,
  CustomMessage_ForgotPassword: customise,
  CustomMessage_UpdateUserAttribute: customise,
  CustomMessage_VerifyUserAttribute: customise,
  CustomMessage_Authentication: customise,
});
