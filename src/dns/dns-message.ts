// Pure: the DNS wire format (RFC 1035, EDNS0 OPT from RFC 6891) for the
// record types cluster DNS answers. Decoding follows compression pointers;
// encoding compresses names against earlier ones.

export const recordTypes = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const rcodes = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const classIn = 1;

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RecordData =
  | { type: "A"; address: string }
  | { type: "AAAA"; address: string }
  | { type: "CNAME" | "PTR" | "NS"; target: string }
  | { type: "SRV"; priority: number; weight: number; port: number; target: string }
  | { type: "SOA"; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { type: "OPT"; udpSize: number }
  | { type: "OTHER"; code: number; bytes: Uint8Array };

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RecordData;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

export class DnsFormatError extends Error {
  readonly reason = "MalformedMessage";
}

/** Lower-case, without the trailing dot; the root is "". */
export function normalizeName(name: string): string {
  return name.replace(/\.$/, "").toLowerCase();
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new DnsFormatError(`message ends at ${this.bytes.length}, needed ${this.offset + count}`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.slice(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  name(): string {
    const labels: string[] = [];
    let position = this.offset;
    let jumped = false;
    // Each pointer must go backwards, so following them ends.
    let limit = position;
    for (let steps = 0; steps < 128; steps++) {
      if (position >= this.bytes.length) throw new DnsFormatError("name runs past the message");
      const length = this.bytes[position]!;
      if (length === 0) {
        if (!jumped) this.offset = position + 1;
        return labels.join(".");
      }
      if ((length & 0xc0) === 0xc0) {
        if (position + 1 >= this.bytes.length) throw new DnsFormatError("truncated name pointer");
        const target = ((length & 0x3f) << 8) | this.bytes[position + 1]!;
        if (target >= limit) throw new DnsFormatError("name pointer does not point backwards");
        if (!jumped) this.offset = position + 2;
        jumped = true;
        limit = target;
        position = target;
        continue;
      }
      if ((length & 0xc0) !== 0) throw new DnsFormatError("unknown label type");
      if (position + 1 + length > this.bytes.length) throw new DnsFormatError("label runs past the message");
      labels.push(new TextDecoder().decode(this.bytes.slice(position + 1, position + 1 + length)));
      position += 1 + length;
    }
    throw new DnsFormatError("name has too many labels");
  }
}

function readRecord(reader: Reader): ResourceRecord {
  const name = reader.name();
  const type = reader.u16();
  const klass = reader.u16();
  const ttl = reader.u32();
  const length = reader.u16();
  const end = reader.offset + length;
  let data: RecordData;
  switch (type) {
    case recordTypes.A:
      data = { type: "A", address: [...reader.take(4)].join(".") };
      break;
    case recordTypes.AAAA: {
      const bytes = reader.take(16);
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
      data = { type: "AAAA", address: groups.join(":") };
      break;
    }
    case recordTypes.CNAME:
      data = { type: "CNAME", target: reader.name() };
      break;
    case recordTypes.PTR:
      data = { type: "PTR", target: reader.name() };
      break;
    case recordTypes.NS:
      data = { type: "NS", target: reader.name() };
      break;
    case recordTypes.SRV:
      data = { type: "SRV", priority: reader.u16(), weight: reader.u16(), port: reader.u16(), target: reader.name() };
      break;
    case recordTypes.SOA:
      data = { type: "SOA", mname: reader.name(), rname: reader.name(), serial: reader.u32(), refresh: reader.u32(), retry: reader.u32(), expire: reader.u32(), minimum: reader.u32() };
      break;
    case recordTypes.OPT:
      reader.take(length);
      return { name, ttl, data: { type: "OPT", udpSize: klass } };
    default:
      data = { type: "OTHER", code: type, bytes: reader.take(length) };
  }
  if (reader.offset !== end) throw new DnsFormatError(`record data of ${name} is ${length} bytes, read ${reader.offset - (end - length)}`);
  return { name, ttl, data };
}

export function decodeMessage(bytes: Uint8Array): DnsMessage {
  const reader = new Reader(bytes);
  const id = reader.u16();
  const flags = reader.u16();
  const counts = [reader.u16(), reader.u16(), reader.u16(), reader.u16()] as const;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push({ name: reader.name(), type: reader.u16(), class: reader.u16() });
  const section = (count: number) => Array.from({ length: count }, () => readRecord(reader));
  const answers = section(counts[1]);
  const authority = section(counts[2]);
  const additional = section(counts[3]);
  return {
    id,
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions,
    answers,
    authority,
    additional,
  };
}

class Writer {
  private readonly chunks: number[] = [];
  private readonly names = new Map<string, number>();

  get length(): number {
    return this.chunks.length;
  }

  u8(value: number): void {
    this.chunks.push(value & 0xff);
  }

  u16(value: number): void {
    this.u8(value >> 8);
    this.u8(value);
  }

  u32(value: number): void {
    this.u16(Math.floor(value / 0x10000));
    this.u16(value % 0x10000);
  }

  bytes(values: Iterable<number>): void {
    for (const value of values) this.u8(value);
  }

  setU16(at: number, value: number): void {
    this.chunks[at] = (value >> 8) & 0xff;
    this.chunks[at + 1] = value & 0xff;
  }

  name(name: string): void {
    const labels = name === "" ? [] : name.replace(/\.$/, "").split(".");
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      const known = this.names.get(suffix);
      if (known !== undefined) {
        this.u16(0xc000 | known);
        return;
      }
      if (this.length < 0x4000) this.names.set(suffix, this.length);
      const encoded = new TextEncoder().encode(labels[i]);
      if (encoded.length === 0 || encoded.length > 63) throw new DnsFormatError(`label ${JSON.stringify(labels[i])} must be 1 to 63 bytes`);
      this.u8(encoded.length);
      this.bytes(encoded);
    }
    this.u8(0);
  }

  result(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function ipv6Bytes(address: string): number[] {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8) throw new DnsFormatError(`not an IPv6 address: ${address}`);
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function writeRecord(writer: Writer, record: ResourceRecord): void {
  const data = record.data;
  writer.name(data.type === "OPT" ? "" : record.name);
  const typeCode = data.type === "OTHER" ? data.code : recordTypes[data.type];
  writer.u16(typeCode);
  writer.u16(data.type === "OPT" ? data.udpSize : classIn);
  writer.u32(data.type === "OPT" ? 0 : record.ttl);
  const lengthAt = writer.length;
  writer.u16(0);
  const start = writer.length;
  switch (data.type) {
    case "A":
      writer.bytes(data.address.split(".").map(Number));
      break;
    case "AAAA":
      writer.bytes(ipv6Bytes(data.address));
      break;
    case "CNAME":
    case "PTR":
    case "NS":
      writer.name(data.target);
      break;
    case "SRV":
      writer.u16(data.priority);
      writer.u16(data.weight);
      writer.u16(data.port);
      writer.name(data.target);
      break;
    case "SOA":
      writer.name(data.mname);
      writer.name(data.rname);
      for (const value of [data.serial, data.refresh, data.retry, data.expire, data.minimum]) writer.u32(value);
      break;
    case "OPT":
      break;
    case "OTHER":
      writer.bytes(data.bytes);
      break;
  }
  writer.setU16(lengthAt, writer.length - start);
}

export function encodeMessage(message: DnsMessage): Uint8Array {
  const writer = new Writer();
  writer.u16(message.id);
  const flags =
    (message.response ? 0x8000 : 0) |
    ((message.opcode & 0xf) << 11) |
    (message.authoritative ? 0x0400 : 0) |
    (message.truncated ? 0x0200 : 0) |
    (message.recursionDesired ? 0x0100 : 0) |
    (message.recursionAvailable ? 0x0080 : 0) |
    (message.rcode & 0xf);
  writer.u16(flags);
  for (const count of [message.questions.length, message.answers.length, message.authority.length, message.additional.length]) writer.u16(count);
  for (const question of message.questions) {
    writer.name(question.name);
    writer.u16(question.type);
    writer.u16(question.class);
  }
  for (const record of [...message.answers, ...message.authority, ...message.additional]) writeRecord(writer, record);
  return writer.result();
}
