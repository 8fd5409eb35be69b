// Encoding and decoding of the few wire-protocol messages the stand-in speaks:
// OP_MSG (2013) for everything, OP_QUERY (2004) + OP_REPLY (1) for the legacy handshake,
// OP_COMPRESSED (2012) only with noop/zlib in case a client sends it unasked.
import { serialize, deserialize, type Document } from 'bson';
import { inflateSync } from 'node:zlib';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;

// promoteLongs keeps small int64 values as JS numbers, so counts and limits compare naturally;
// larger ones stay Long. Buffers stay bson Binary so they round-trip with their subtype.
const DESERIALIZE = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export type Request =
  | { kind: 'msg'; header: Header; flags: number; command: Document }
  | { kind: 'query'; header: Header; collection: string; command: Document };

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readCString(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  if (end < 0) throw new Error('unterminated cstring');
  return [buf.toString('utf8', at, end), end + 1];
}

function readDoc(buf: Buffer, at: number): [Document, number] {
  const size = buf.readInt32LE(at);
  return [deserialize(buf.subarray(at, at + size), DESERIALIZE), at + size];
}

/** Parses one complete message (header included). */
export function decodeMessage(buf: Buffer): Request {
  let header = readHeader(buf);
  let body = buf.subarray(16, header.length);

  if (header.opCode === OP_COMPRESSED) {
    const originalOpCode = body.readInt32LE(0);
    const compressorId = body.readUInt8(8);
    const payload = body.subarray(9);
    if (compressorId === 0) body = payload;
    else if (compressorId === 2) body = inflateSync(payload);
    else throw new Error(`unsupported compressor id ${compressorId} (the stand-in advertises no compression)`);
    header = { ...header, opCode: originalOpCode };
  }

  if (header.opCode === OP_MSG) return decodeOpMsg(header, body);
  if (header.opCode === OP_QUERY) return decodeOpQuery(header, body);
  throw new Error(`unsupported opcode ${header.opCode}`);
}

function decodeOpMsg(header: Header, body: Buffer): Request {
  const flags = body.readUInt32LE(0);
  const end = flags & MSG_CHECKSUM_PRESENT ? body.length - 4 : body.length;
  let at = 4;
  let command: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (at < end) {
    const kind = body.readUInt8(at++);
    if (kind === 0) {
      [command, at] = readDoc(body, at);
    } else if (kind === 1) {
      const size = body.readInt32LE(at);
      const stop = at + size;
      let [name, p] = readCString(body, at + 4);
      const docs: Document[] = [];
      while (p < stop) {
        let d: Document;
        [d, p] = readDoc(body, p);
        docs.push(d);
      }
      sequences[name] = docs;
      at = stop;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error('OP_MSG without a body section');
  // Document sequences are just an array-valued field of the command sent out of line.
  return { kind: 'msg', header, flags, command: { ...command, ...sequences } };
}

function decodeOpQuery(header: Header, body: Buffer): Request {
  let at = 4; // flags
  let collection: string;
  [collection, at] = readCString(body, at);
  at += 8; // numberToSkip, numberToReturn
  let [query] = readDoc(body, at);
  // Legacy clients may wrap the command as { $query: {...}, $readPreference: ... }.
  if (query.$query && typeof query.$query === 'object') query = query.$query as Document;
  return { kind: 'query', header, collection, command: query };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

const SERIALIZE = { checkKeys: false, ignoreUndefined: true } as const;

export function encodeOpMsg(requestId: number, responseTo: number, doc: Document): Buffer {
  const bson = serialize(doc, SERIALIZE);
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  return Buffer.concat([header(16 + 5 + bson.length, requestId, responseTo, OP_MSG), flagsAndKind, bson]);
}

export function encodeOpReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const bson = serialize(doc, SERIALIZE);
  const fields = Buffer.alloc(20); // responseFlags 0, cursorID 0 (int64), startingFrom 0
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(16 + 20 + bson.length, requestId, responseTo, OP_REPLY), fields, bson]);
}
