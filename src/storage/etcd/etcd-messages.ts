// etcd v3 API messages (etcdserverpb and mvccpb) that the store sends and
// reads, with their encoders and decoders. Field numbers are etcd's; only
// the fields the store uses are modelled.

import { ProtobufDecodeError, ProtobufReader, ProtobufWriter } from "./protobuf-wire.ts";

export interface ResponseHeader {
  clusterId: bigint;
  memberId: bigint;
  revision: number;
  raftTerm: number;
}

export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
}

export interface RangeRequest {
  key: Buffer;
  /** Absent: the single key. */
  rangeEnd?: Buffer;
  /** 0 = no limit. */
  limit?: number;
  /** 0 = the latest revision. */
  revision?: number;
  countOnly?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  /** Keys in the whole range at the read revision, regardless of limit. */
  count: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  prevKv?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Buffer;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export type RequestOp = { range: RangeRequest } | { put: PutRequest } | { deleteRange: DeleteRangeRequest };

export type ResponseOp =
  | { range: RangeResponse }
  | { put: PutResponse }
  | { deleteRange: DeleteRangeResponse }
  | { unknown: number };

/** Compares a key's create or mod revision (0 when the key is absent). */
export interface RevisionCompare {
  key: Buffer;
  target: "create" | "mod";
  result: "equal" | "greater" | "less" | "notEqual";
  revision: number;
}

export interface TxnRequest {
  compare: RevisionCompare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface WatchCreateRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  startRevision: number;
  prevKv: boolean;
}

export type WatchRequest = { create: WatchCreateRequest } | { cancel: { watchId: number } };

export interface WatchEventMessage {
  type: "PUT" | "DELETE";
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchResponse {
  header: ResponseHeader;
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** Non-zero when the requested start revision has been compacted away. */
  compactRevision: number;
  cancelReason: string;
  events: WatchEventMessage[];
}

const compareResults = { equal: 0, greater: 1, less: 2, notEqual: 3 } as const;
const compareTargets = { create: 1, mod: 2 } as const;
const compareFieldCreateRevision = 5;
const compareFieldModRevision = 6;

export function encodeRangeRequest(request: RangeRequest): Buffer {
  return new ProtobufWriter()
    .bytes(1, request.key)
    .bytes(2, request.rangeEnd ?? Buffer.alloc(0))
    .varint(3, request.limit ?? 0)
    .varint(4, request.revision ?? 0)
    .bool(9, request.countOnly ?? false)
    .finish();
}

export function encodePutRequest(request: PutRequest): Buffer {
  return new ProtobufWriter()
    .bytes(1, request.key)
    .bytes(2, request.value)
    .bool(4, request.prevKv ?? false)
    .finish();
}

export function encodeDeleteRangeRequest(request: DeleteRangeRequest): Buffer {
  return new ProtobufWriter()
    .bytes(1, request.key)
    .bool(3, request.prevKv ?? false)
    .finish();
}

function encodeRequestOp(op: RequestOp): Buffer {
  const writer = new ProtobufWriter();
  if ("range" in op) writer.bytes(1, encodeRangeRequest(op.range), true);
  else if ("put" in op) writer.bytes(2, encodePutRequest(op.put), true);
  else writer.bytes(3, encodeDeleteRangeRequest(op.deleteRange), true);
  return writer.finish();
}

function encodeCompare(compare: RevisionCompare): Buffer {
  const targetField = compare.target === "create" ? compareFieldCreateRevision : compareFieldModRevision;
  return new ProtobufWriter()
    .varint(1, compareResults[compare.result])
    .varint(2, compareTargets[compare.target])
    .bytes(3, compare.key)
    .varint(targetField, compare.revision, true)
    .finish();
}

export function encodeTxnRequest(request: TxnRequest): Buffer {
  const writer = new ProtobufWriter();
  for (const compare of request.compare) writer.bytes(1, encodeCompare(compare), true);
  for (const op of request.success) writer.bytes(2, encodeRequestOp(op), true);
  for (const op of request.failure) writer.bytes(3, encodeRequestOp(op), true);
  return writer.finish();
}

export function encodeCompactionRequest(request: CompactionRequest): Buffer {
  return new ProtobufWriter().varint(1, request.revision).finish();
}

export function encodeWatchRequest(request: WatchRequest): Buffer {
  const writer = new ProtobufWriter();
  if ("create" in request) {
    const create = new ProtobufWriter()
      .bytes(1, request.create.key)
      .bytes(2, request.create.rangeEnd ?? Buffer.alloc(0))
      .varint(3, request.create.startRevision)
      .bool(6, request.create.prevKv)
      .finish();
    writer.bytes(1, create, true);
  } else {
    writer.bytes(2, new ProtobufWriter().varint(1, request.cancel.watchId).finish(), true);
  }
  return writer.finish();
}

const emptyHeader = (): ResponseHeader => ({ clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 });

export function decodeResponseHeader(message: Buffer): ResponseHeader {
  const header = emptyHeader();
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        header.clusterId = reader.uint64();
        break;
      case 2:
        header.memberId = reader.uint64();
        break;
      case 3:
        header.revision = reader.number();
        break;
      case 4:
        header.raftTerm = reader.number();
        break;
    }
  }
  return header;
}

export function decodeKeyValue(message: Buffer): KeyValue {
  const kv: KeyValue = { key: emptyBytes, createRevision: 0, modRevision: 0, version: 0, value: emptyBytes };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        kv.key = reader.bytes();
        break;
      case 2:
        kv.createRevision = reader.number();
        break;
      case 3:
        kv.modRevision = reader.number();
        break;
      case 4:
        kv.version = reader.number();
        break;
      case 5:
        kv.value = reader.bytes();
        break;
    }
  }
  return kv;
}

const emptyBytes = Buffer.alloc(0);

export function decodeRangeResponse(message: Buffer): RangeResponse {
  const response: RangeResponse = { header: emptyHeader(), kvs: [], more: false, count: 0 };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        response.header = decodeResponseHeader(reader.bytes());
        break;
      case 2:
        response.kvs.push(decodeKeyValue(reader.bytes()));
        break;
      case 3:
        response.more = reader.number() !== 0;
        break;
      case 4:
        response.count = reader.number();
        break;
    }
  }
  return response;
}

export function decodePutResponse(message: Buffer): PutResponse {
  const response: PutResponse = { header: emptyHeader() };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    if (reader.field === 1) response.header = decodeResponseHeader(reader.bytes());
    else if (reader.field === 2) response.prevKv = decodeKeyValue(reader.bytes());
  }
  return response;
}

export function decodeDeleteRangeResponse(message: Buffer): DeleteRangeResponse {
  const response: DeleteRangeResponse = { header: emptyHeader(), deleted: 0, prevKvs: [] };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        response.header = decodeResponseHeader(reader.bytes());
        break;
      case 2:
        response.deleted = reader.number();
        break;
      case 3:
        response.prevKvs.push(decodeKeyValue(reader.bytes()));
        break;
    }
  }
  return response;
}

function decodeResponseOp(message: Buffer): ResponseOp {
  const reader = new ProtobufReader(message);
  if (!reader.next()) throw new ProtobufDecodeError("empty ResponseOp");
  switch (reader.field) {
    case 1:
      return { range: decodeRangeResponse(reader.bytes()) };
    case 2:
      return { put: decodePutResponse(reader.bytes()) };
    case 3:
      return { deleteRange: decodeDeleteRangeResponse(reader.bytes()) };
    default:
      return { unknown: reader.field };
  }
}

export function decodeTxnResponse(message: Buffer): TxnResponse {
  const response: TxnResponse = { header: emptyHeader(), succeeded: false, responses: [] };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        response.header = decodeResponseHeader(reader.bytes());
        break;
      case 2:
        response.succeeded = reader.number() !== 0;
        break;
      case 3:
        response.responses.push(decodeResponseOp(reader.bytes()));
        break;
    }
  }
  return response;
}

export function decodeCompactionResponse(message: Buffer): CompactionResponse {
  const response: CompactionResponse = { header: emptyHeader() };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    if (reader.field === 1) response.header = decodeResponseHeader(reader.bytes());
  }
  return response;
}

function decodeWatchEvent(message: Buffer): WatchEventMessage {
  let type: WatchEventMessage["type"] = "PUT";
  let kv: KeyValue | undefined;
  let prevKv: KeyValue | undefined;
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        type = reader.number() === 1 ? "DELETE" : "PUT";
        break;
      case 2:
        kv = decodeKeyValue(reader.bytes());
        break;
      case 3:
        prevKv = decodeKeyValue(reader.bytes());
        break;
    }
  }
  if (kv === undefined) throw new ProtobufDecodeError("watch event without kv");
  return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
}

export function decodeWatchResponse(message: Buffer): WatchResponse {
  const response: WatchResponse = {
    header: emptyHeader(),
    watchId: 0,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: "",
    events: [],
  };
  const reader = new ProtobufReader(message);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        response.header = decodeResponseHeader(reader.bytes());
        break;
      case 2:
        response.watchId = reader.number();
        break;
      case 3:
        response.created = reader.number() !== 0;
        break;
      case 4:
        response.canceled = reader.number() !== 0;
        break;
      case 5:
        response.compactRevision = reader.number();
        break;
      case 6:
        response.cancelReason = reader.bytes().toString("utf8");
        break;
      case 11:
        response.events.push(decodeWatchEvent(reader.bytes()));
        break;
    }
  }
  return response;
}
