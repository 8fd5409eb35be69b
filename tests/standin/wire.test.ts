// The legacy OP_QUERY handshake, spoken by hand over a socket: old drivers and tools open
// connections this way and mongod still answers it with OP_REPLY.
import net from 'node:net';
import { deserialize, serialize } from 'bson';
import { describe, expect, inject, it } from 'vitest';

const uri = inject('mongoUri');
const hostPort = /^mongodb:\/\/(?:[^@/]+@)?([^/,?]+)/.exec(uri)?.[1];

function opQuery(requestId: number, collection: string, query: object): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4), // flags
    Buffer.from(`${collection}\0`, 'utf8'),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), // numberToSkip 0, numberToReturn -1
    serialize(query),
  ]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2004, 12);
  return Buffer.concat([header, body]);
}

function roundTrip(host: string, port: number, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let data = Buffer.alloc(0);
    socket.on('connect', () => socket.write(message));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', reject);
  });
}

describe.runIf(hostPort && !uri.includes('tls=true'))('wire protocol', () => {
  it('answers a legacy OP_QUERY isMaster on admin.$cmd with an OP_REPLY', async () => {
    const [host, port] = [hostPort!.slice(0, hostPort!.lastIndexOf(':')), Number(hostPort!.slice(hostPort!.lastIndexOf(':') + 1))];
    const reply = await roundTrip(host.replace(/^\[|\]$/g, ''), port, opQuery(42, 'admin.$cmd', { isMaster: 1 }));
    expect(reply.readInt32LE(8)).toBe(42); // responseTo
    expect(reply.readInt32LE(12)).toBe(1); // OP_REPLY
    expect(reply.readInt32LE(32)).toBe(1); // numberReturned
    const doc = deserialize(reply.subarray(36));
    expect(doc.ok).toBe(1);
    expect(doc.ismaster).toBe(true);
    expect(doc.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(doc.maxBsonObjectSize).toBe(16 * 1024 * 1024);
  });
});
