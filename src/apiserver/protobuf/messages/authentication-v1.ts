import type { MessageTable } from "../message-schema.ts";

/** The authentication.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const authenticationV1Messages: MessageTable = {
  "authentication.v1.BoundObjectReference": [
    { number: 1, jsonName: "kind", type: "string", omitEmpty: true },
    { number: 2, jsonName: "apiVersion", type: "string", omitEmpty: true },
    { number: 3, jsonName: "name", type: "string", omitEmpty: true },
    { number: 4, jsonName: "uid", type: "string", omitEmpty: true },
  ],
  "authentication.v1.SelfSubjectReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "status", type: "authentication.v1.SelfSubjectReviewStatus", omitEmpty: true },
  ],
  "authentication.v1.SelfSubjectReviewStatus": [
    { number: 1, jsonName: "userInfo", type: "authentication.v1.UserInfo", omitEmpty: true },
  ],
  "authentication.v1.TokenRequest": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authentication.v1.TokenRequestSpec" },
    { number: 3, jsonName: "status", type: "authentication.v1.TokenRequestStatus", omitEmpty: true },
  ],
  "authentication.v1.TokenRequestSpec": [
    { number: 1, jsonName: "audiences", type: "string", repeated: true },
    { number: 4, jsonName: "expirationSeconds", type: "int64", pointer: true },
    { number: 3, jsonName: "boundObjectRef", type: "authentication.v1.BoundObjectReference", pointer: true },
  ],
  "authentication.v1.TokenRequestStatus": [
    { number: 1, jsonName: "token", type: "string" },
    { number: 2, jsonName: "expirationTimestamp", type: "time" },
  ],
  "authentication.v1.TokenReview": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "authentication.v1.TokenReviewSpec" },
    { number: 3, jsonName: "status", type: "authentication.v1.TokenReviewStatus", omitEmpty: true },
  ],
  "authentication.v1.TokenReviewSpec": [
    { number: 1, jsonName: "token", type: "string", omitEmpty: true },
    { number: 2, jsonName: "audiences", type: "string", repeated: true, omitEmpty: true },
  ],
  "authentication.v1.TokenReviewStatus": [
    { number: 1, jsonName: "authenticated", type: "bool", omitEmpty: true },
    { number: 2, jsonName: "user", type: "authentication.v1.UserInfo", omitEmpty: true },
    { number: 4, jsonName: "audiences", type: "string", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "error", type: "string", omitEmpty: true },
  ],
  "authentication.v1.UserInfo": [
    { number: 1, jsonName: "username", type: "string", omitEmpty: true },
    { number: 2, jsonName: "uid", type: "string", omitEmpty: true },
    { number: 3, jsonName: "groups", type: "string", repeated: true, omitEmpty: true },
    { number: 4, jsonName: "extra", type: "wrappedStringList", map: true, omitEmpty: true },
  ],
};
