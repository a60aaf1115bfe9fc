/**
 * The ring between worker processes over TCP: worker `r` connects to worker `r + 1`'s listening socket and
 * accepts one connection from worker `r − 1`; messages are raw bytes (both ends know every message's length from
 * the ring schedule). A lost peer (its process died, its socket closed) fails the pending and every later
 * `send`/`receive` with `GANG_PEER_LOST`, so a gang never hangs on a dead member.
 *
 * @module
 */
import { once } from 'node:events';
import net from 'node:net';
import { ExecutionError } from '../errors.js';
import type { RingLink } from './ring.js';

/** A worker's address. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link connectTcpRing}. */
export interface TcpRingOptions {
  readonly rank: number;
  readonly size: number;
  /** This worker's listening server (already listening). */
  readonly server: net.Server;
  /** Every worker's address, by rank. */
  readonly peers: readonly PeerAddress[];
  /** How long to keep trying to reach the next worker and to wait for the previous one (default 60 s). */
  readonly timeoutMs?: number;
}

/** A TCP ring link; close it when training ends. */
export interface TcpRingLink extends RingLink {
  close(): void;
}

const HELLO = 0x44465231; // "DFR1"

/**
 * Connects worker `rank` into the ring: to the next worker, and from the previous one.
 *
 * @example
 * ```ts
 * const server = net.createServer().listen(0, '127.0.0.1');
 * const link = await connectTcpRing({ rank, size: 2, server, peers });
 * await ringAllReduce(gradients, link);
 * link.close();
 * ```
 */
export async function connectTcpRing(options: TcpRingOptions): Promise<TcpRingLink> {
  const { rank, size, server, peers } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const prev = (rank + size - 1) % size;
  const next = (rank + 1) % size;
  const deadline = Date.now() + timeoutMs;
  const incoming = acceptFrom(server, prev, deadline, rank);
  incoming.catch(() => undefined); // awaited below, unless reaching the next worker fails first
  const outgoing = await connectTo(peers[next] as PeerAddress, next, deadline, rank);
  const hello = Buffer.alloc(8);
  hello.writeUInt32LE(HELLO, 0);
  hello.writeUInt32LE(rank, 4);
  outgoing.write(hello);
  const accepted = await incoming;
  // A broken link breaks both of this worker's connections, so the failure travels round the ring and every
  // member's pending exchange fails, instead of waiting on a worker that has stopped.
  const inbound = new Inbound(accepted.socket, accepted.leftover, prev, rank, () => outgoing.destroy());
  outgoing.setNoDelay(true);
  let sendError: Error | undefined;
  outgoing.on('error', (e) => {
    sendError = lost(rank, next, e);
  });
  outgoing.on('close', () => {
    sendError ??= lost(rank, next);
    inbound.close();
  });
  return {
    rank,
    size,
    send(data) {
      if (sendError !== undefined) return Promise.reject(sendError);
      return new Promise((resolve, reject) => {
        outgoing.write(data, (error) => (error ? reject(lost(rank, next, error)) : resolve()));
      });
    },
    receive(into) {
      return inbound.read(into);
    },
    close() {
      outgoing.destroy();
      inbound.close();
    },
  };
}

function lost(rank: number, peer: number, cause?: Error): ExecutionError {
  return new ExecutionError(
    'GANG_PEER_LOST',
    `Worker ${rank} lost its connection to worker ${peer}${cause ? ` (${cause.message})` : ''}: a member of the gang failed.`,
    { rank: String(rank), peer: String(peer) },
  );
}

/** Connects to `address`, retrying refused connections until `deadline`. */
async function connectTo(
  address: PeerAddress,
  peer: number,
  deadline: number,
  rank: number,
): Promise<net.Socket> {
  for (;;) {
    const socket = net.connect(address.port, address.host);
    try {
      await once(socket, 'connect');
      return socket;
    } catch (error) {
      socket.destroy();
      if (Date.now() > deadline) {
        throw new ExecutionError(
          'GANG_CONNECT_TIMEOUT',
          `Worker ${rank} could not reach worker ${peer} at ${address.host}:${address.port} (${(error as Error).message}).`,
          { rank: String(rank), peer: String(peer), address: `${address.host}:${address.port}` },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The first connection whose hello names `peer` (paused, with the bytes that came after the hello); others are refused. */
function acceptFrom(
  server: net.Server,
  peer: number,
  deadline: number,
  rank: number,
): Promise<{ socket: net.Socket; leftover: Buffer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        server.off('connection', onConnection);
        reject(
          new ExecutionError(
            'GANG_CONNECT_TIMEOUT',
            `Worker ${rank} waited in vain for worker ${peer} to connect.`,
            {
              rank: String(rank),
              peer: String(peer),
            },
          ),
        );
      },
      Math.max(0, deadline - Date.now()),
    );
    const onConnection = (socket: net.Socket) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        if (head.length < 8) return;
        socket.off('data', onData);
        socket.pause();
        if (head.readUInt32LE(0) !== HELLO || head.readUInt32LE(4) !== peer) {
          socket.destroy();
          return;
        }
        clearTimeout(timer);
        server.off('connection', onConnection);
        resolve({ socket, leftover: head.subarray(8) });
      };
      socket.on('data', onData);
      socket.on('error', () => socket.destroy());
    };
    server.on('connection', onConnection);
  });
}

/** Exact-length reads from a socket. */
class Inbound {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private waiter:
    | { into: Uint8Array; filled: number; resolve: () => void; reject: (e: Error) => void }
    | undefined;
  private error: Error | undefined;

  constructor(
    private readonly socket: net.Socket,
    leftover: Buffer,
    peer: number,
    rank: number,
    onFail: () => void,
  ) {
    if (leftover.length > 0) {
      this.chunks.push(leftover);
      this.buffered = leftover.length;
    }
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.pump();
    });
    const fail = (e?: Error) => {
      this.error ??= lost(rank, peer, e);
      this.waiter?.reject(this.error);
      this.waiter = undefined;
      onFail();
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
    socket.resume();
  }

  read(into: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiter = { into, filled: 0, resolve, reject };
      this.pump();
      if (this.waiter !== undefined && this.error !== undefined) {
        this.waiter = undefined;
        reject(this.error);
      }
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private pump(): void {
    const w = this.waiter;
    if (w === undefined) return;
    while (w.filled < w.into.byteLength && this.chunks.length > 0) {
      const head = this.chunks[0] as Buffer;
      const n = Math.min(head.length, w.into.byteLength - w.filled);
      w.into.set(head.subarray(0, n), w.filled);
      w.filled += n;
      this.buffered -= n;
      if (n === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    }
    if (w.filled === w.into.byteLength) {
      this.waiter = undefined;
      w.resolve();
    }
  }
}
