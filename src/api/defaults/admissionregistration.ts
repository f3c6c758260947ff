// Defaults of admissionregistration.k8s.io/v1 webhook configurations and
// validating admission policies.
import { ensureObject, fillUnset, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

const WEBHOOK_TIMEOUT_SECONDS = 10;
const WEBHOOK_SERVICE_PORT = 443;

function defaultRules(holder: JsonObject, field: string): void {
  for (const rule of objectsAt(holder, field)) fillUnset(rule, "scope", "*");
}

/** What webhooks and policies use to pick the requests they see. */
function defaultMatching(holder: JsonObject): void {
  fillUnset(holder, "matchPolicy", "Equivalent");
  fillUnset(holder, "namespaceSelector", {});
  fillUnset(holder, "objectSelector", {});
}

function defaultWebhook(webhook: JsonObject): void {
  fillUnset(webhook, "failurePolicy", "Fail");
  defaultMatching(webhook);
  fillUnset(webhook, "timeoutSeconds", WEBHOOK_TIMEOUT_SECONDS);
  defaultRules(webhook, "rules");
  const service = objectAt(objectAt(webhook, "clientConfig") ?? {}, "service");
  if (service) fillUnset(service, "port", WEBHOOK_SERVICE_PORT);
}

function defaultMatchResources(matchResources: JsonObject): void {
  defaultMatching(matchResources);
  defaultRules(matchResources, "resourceRules");
  defaultRules(matchResources, "excludeResourceRules");
}

function defaultValidatingWebhookConfiguration(configuration: JsonObject): void {
  for (const webhook of objectsAt(configuration, "webhooks")) defaultWebhook(webhook);
}

function defaultMutatingWebhookConfiguration(configuration: JsonObject): void {
  for (const webhook of objectsAt(configuration, "webhooks")) {
    defaultWebhook(webhook);
    fillUnset(webhook, "reinvocationPolicy", "Never");
  }
}

function defaultValidatingAdmissionPolicy(policy: JsonObject): void {
  const spec = ensureObject(policy, "spec");
  if (!spec) return;
  fillUnset(spec, "failurePolicy", "Fail");
  const constraints = objectAt(spec, "matchConstraints");
  if (constraints) defaultMatchResources(constraints);
}

function defaultValidatingAdmissionPolicyBinding(binding: JsonObject): void {
  const matchResources = objectAt(objectAt(binding, "spec") ?? {}, "matchResources");
  if (matchResources) defaultMatchResources(matchResources);
}

export const admissionregistrationV1Defaulters: Record<string, Defaulter> = {
  MutatingWebhookConfiguration: defaultMutatingWebhookConfiguration,
  ValidatingAdmissionPolicy: defaultValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: defaultValidatingAdmissionPolicyBinding,
  ValidatingWebhookConfiguration: defaultValidatingWebhookConfiguration,
};
