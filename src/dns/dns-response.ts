// Pure: the reply to one query datagram or TCP message. Over UDP a reply
// larger than the client takes (512 bytes, or its EDNS payload size) is
// sent with the TC bit and no records, so the client retries over TCP.
import { resolveQuestion, type ClusterDnsIndex } from "./cluster-records.ts";
import { decodeMessage, DnsFormatError, encodeMessage, rcodes, recordTypes, type DnsMessage, type ResourceRecord } from "./dns-message.ts";

export type Transport = "udp" | "tcp";

const classicUdpLimit = 512;
/** What we advertise in our own OPT record. */
const ourUdpSize = 1232;

function reply(query: Pick<DnsMessage, "id" | "opcode" | "recursionDesired" | "questions">, rcode: number, fields: Partial<DnsMessage> = {}): DnsMessage {
  return { id: query.id, response: true, opcode: query.opcode, authoritative: false, truncated: false, recursionDesired: query.recursionDesired, recursionAvailable: false, rcode, questions: query.questions, answers: [], authority: [], additional: [], ...fields };
}

/** The encoded reply, or undefined when the bytes deserve none (too short to carry an id, or themselves a response). */
export function respond(bytes: Uint8Array, index: ClusterDnsIndex, transport: Transport): Uint8Array | undefined {
  let query: DnsMessage;
  try {
    query = decodeMessage(bytes);
  } catch (error) {
    if (!(error instanceof DnsFormatError) || bytes.length < 12) return undefined;
    const id = (bytes[0]! << 8) | bytes[1]!;
    return encodeMessage(reply({ id, opcode: (bytes[2]! >> 3) & 0xf, recursionDesired: (bytes[2]! & 1) === 1, questions: [] }, rcodes.FORMERR));
  }
  if (query.response) return undefined;
  const opt = query.additional.find((record) => record.data.type === "OPT");
  const ourOpt: ResourceRecord[] = opt === undefined ? [] : [{ name: "", ttl: 0, data: { type: "OPT", udpSize: ourUdpSize } }];
  if (query.opcode !== 0) return encodeMessage(reply(query, rcodes.NOTIMP, { additional: ourOpt }));
  const question = query.questions[0];
  if (question === undefined || query.questions.length !== 1) return encodeMessage(reply(query, rcodes.FORMERR, { additional: ourOpt }));
  const resolution = resolveQuestion(index, question.name, question.type === recordTypes.ANY ? recordTypes.A : question.type);
  const full = reply(query, resolution.rcode, {
    authoritative: resolution.authoritative,
    answers: resolution.answers,
    authority: resolution.authority,
    additional: [...resolution.additional, ...ourOpt],
  });
  const encoded = encodeMessage(full);
  if (transport === "tcp") return encoded;
  const limit = opt !== undefined && opt.data.type === "OPT" ? Math.max(classicUdpLimit, Math.min(opt.data.udpSize, ourUdpSize)) : classicUdpLimit;
  if (encoded.length <= limit) return encoded;
  return encodeMessage({ ...full, truncated: true, answers: [], authority: [], additional: ourOpt });
}
