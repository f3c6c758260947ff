import type { MessageName, MessageSchema, MessageTable } from "./message-schema.ts";
import { appsV1Messages } from "./messages/apps-v1.ts";
import { authenticationV1Messages } from "./messages/authentication-v1.ts";
import { authorizationV1Messages } from "./messages/authorization-v1.ts";
import { autoscalingV1Messages } from "./messages/autoscaling-v1.ts";
import { batchV1Messages } from "./messages/batch-v1.ts";
import { coordinationV1Messages } from "./messages/coordination-v1.ts";
import { coreV1Messages } from "./messages/core-v1.ts";
import { discoveryV1Messages } from "./messages/discovery-v1.ts";
import { eventsV1Messages } from "./messages/events-v1.ts";
import { metaV1Messages } from "./messages/meta-v1.ts";
import { networkingV1Messages } from "./messages/networking-v1.ts";
import { policyV1Messages } from "./messages/policy-v1.ts";
import { rbacV1Messages } from "./messages/rbac-v1.ts";
import { schedulingV1Messages } from "./messages/scheduling-v1.ts";
import { storageV1Messages } from "./messages/storage-v1.ts";

/** Every message Skiff knows, keyed by "<package>.<Message>". */
export const messageTable: MessageTable = {
  ...metaV1Messages,
  ...coreV1Messages,
  ...appsV1Messages,
  ...batchV1Messages,
  ...autoscalingV1Messages,
  ...policyV1Messages,
  ...networkingV1Messages,
  ...rbacV1Messages,
  ...schedulingV1Messages,
  ...coordinationV1Messages,
  ...discoveryV1Messages,
  ...storageV1Messages,
  ...eventsV1Messages,
  ...authenticationV1Messages,
  ...authorizationV1Messages,
};

export function messageSchema(name: MessageName): MessageSchema | undefined {
  return Object.hasOwn(messageTable, name) ? messageTable[name] : undefined;
}
