/**
 * CustomMessage: a branded subject, HTML email and text message for every message source
 * (templates in shared/cognito/messages.ts). Cognito's code placeholder, and for `_AdminCreateUser` its
 * username placeholder, are passed through verbatim for Cognito to fill in; the user's `name`
 * (user-writable) is HTML-escaped. Pure: a repeat returns the same message.
 */
import type { CustomMessageTriggerEvent } from "aws-lambda";
import {
  triggerLogger,
  unsupportedTriggerSource,
  type Trigger,
} from "../shared/cognito/trigger.js";
import { customMessage } from "../shared/cognito/messages.js";

const USERNAME_PLACEHOLDER = "{username}";

export const handler: Trigger<CustomMessageTriggerEvent> = (event, context) => {
  switch (event.triggerSource) {
    case "CustomMessage_SignUp":
    case "CustomMessage_AdminCreateUser":
    case "CustomMessage_ResendCode":
    case "CustomMessage_ForgotPassword":
    case "CustomMessage_UpdateUserAttribute":
    case "CustomMessage_VerifyUserAttribute":
    case "CustomMessage_Authentication": {
      const attributes = event.request.userAttributes;
      event.response = customMessage(event.triggerSource, {
        code: event.request.codeParameter,
        username: event.request.usernameParameter ?? USERNAME_PLACEHOLDER,
        name: attributes["name"] ?? attributes["given_name"],
      });
      triggerLogger(event, context).info("message customised");
      return Promise.resolve(event);
    }
    default:
      return unsupportedTriggerSource(event);
  }
};
