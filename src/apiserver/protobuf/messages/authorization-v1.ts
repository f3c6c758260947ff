import type { MessageTable } from "../message-schema.ts";

/** The authorization.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const authorizationV1Messages: MessageTable = {
  "authorization.v1.FieldSelectorAttributes": [
    { number: 1, jsonName: "rawSelector", type: "string", omitEmpty: true },
    { number: 2, jsonName: "requirements", type: "meta.v1.FieldSelectorRequirement", repeated: true, omitEmpty: true },
  ],
  "authorization.v1.LabelSelectorAttributes": [
    { number: 1, jsonName: "rawSelector", type: "string", omitEmpty: true },
    { number: 2, jsonName: "requirements", type: "meta.v1.LabelSelectorRequirement", repeated: true, omitEmpty: true },
  ],
  "authorization.v1.LocalSubjectAccessReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authorization.v1.SubjectAccessReviewSpec" },
    { number: 3, jsonName: "status", type: "authorization.v1.SubjectAccessReviewStatus", omitEmpty: true },
  ],
  "authorization.v1.NonResourceAttributes": [
    { number: 1, jsonName: "path", type: "string", omitEmpty: true },
    { number: 2, jsonName: "verb", type: "string", omitEmpty: true },
  ],
  "authorization.v1.NonResourceRule": [
    { number: 1, jsonName: "verbs", type: "string", repeated: true },
    { number: 2, jsonName: "nonResourceURLs", type: "string", repeated: true, omitEmpty: true },
  ],
  "authorization.v1.ResourceAttributes": [
    { number: 1, jsonName: "namespace", type: "string", omitEmpty: true },
    { number: 2, jsonName: "verb", type: "string", omitEmpty: true },
    { number: 3, jsonName: "group", type: "string", omitEmpty: true },
    { number: 4, jsonName: "version", type: "string", omitEmpty: true },
    { number: 5, jsonName: "resource", type: "string", omitEmpty: true },
    { number: 6, jsonName: "subresource", type: "string", omitEmpty: true },
    { number: 7, jsonName: "name", type: "string", omitEmpty: true },
    { number: 8, jsonName: "fieldSelector", type: "authorization.v1.FieldSelectorAttributes", pointer: true, omitEmpty: true },
    { number: 9, jsonName: "labelSelector", type: "authorization.v1.LabelSelectorAttributes", pointer: true, omitEmpty: true },
  ],
  "authorization.v1.ResourceRule": [
    { number: 1, jsonName: "verbs", type: "string", repeated: true },
    { number: 2, jsonName: "apiGroups", type: "string", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "resources", type: "string", repeated: true, omitEmpty: true },
    { number: 4, jsonName: "resourceNames", type: "string", repeated: true, omitEmpty: true },
  ],
  "authorization.v1.SelfSubjectAccessReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authorization.v1.SelfSubjectAccessReviewSpec" },
    { number: 3, jsonName: "status", type: "authorization.v1.SubjectAccessReviewStatus", omitEmpty: true },
  ],
  "authorization.v1.SelfSubjectAccessReviewSpec": [
    { number: 1, jsonName: "resourceAttributes", type: "authorization.v1.ResourceAttributes", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "nonResourceAttributes", type: "authorization.v1.NonResourceAttributes", pointer: true, omitEmpty: true },
  ],
  "authorization.v1.SelfSubjectRulesReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authorization.v1.SelfSubjectRulesReviewSpec" },
    { number: 3, jsonName: "status", type: "authorization.v1.SubjectRulesReviewStatus", omitEmpty: true },
  ],
  "authorization.v1.SelfSubjectRulesReviewSpec": [
    { number: 1, jsonName: "namespace", type: "string", omitEmpty: true },
  ],
  "authorization.v1.SubjectAccessReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authorization.v1.SubjectAccessReviewSpec" },
    { number: 3, jsonName: "status", type: "authorization.v1.SubjectAccessReviewStatus", omitEmpty: true },
  ],
  "authorization.v1.SubjectAccessReviewSpec": [
    { number: 1, jsonName: "resourceAttributes", type: "authorization.v1.ResourceAttributes", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "nonResourceAttributes", type: "authorization.v1.NonResourceAttributes", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "user", type: "string", omitEmpty: true },
    { number: 4, jsonName: "groups", type: "string", repeated: true, omitEmpty: true },
    { number: 5, jsonName: "extra", type: "wrappedStringList", map: true, omitEmpty: true },
    { number: 6, jsonName: "uid", type: "string", omitEmpty: true },
  ],
  "authorization.v1.SubjectAccessReviewStatus": [
    { number: 1, jsonName: "allowed", type: "bool" },
    { number: 4, jsonName: "denied", type: "bool", omitEmpty: true },
    { number: 2, jsonName: "reason", type: "string", omitEmpty: true },
    { number: 3, jsonName: "evaluationError", type: "string", omitEmpty: true },
  ],
  "authorization.v1.SubjectRulesReviewStatus": [
    { number: 1, jsonName: "resourceRules", type: "authorization.v1.ResourceRule", repeated: true },
    { number: 2, jsonName: "nonResourceRules", type: "authorization.v1.NonResourceRule", repeated: true },
    { number: 3, jsonName: "incomplete", type: "bool" },
    { number: 4, jsonName: "evaluationError", type: "string", omitEmpty: true },
  ],
};
