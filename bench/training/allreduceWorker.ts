/**
 * Rank 1 of the all-reduce bandwidth measurement in `bench/distributed.ts`: a worker thread that joins a two-worker
 * TCP ring on loopback and all-reduces a vector as often as rank 0 does.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { ringAllReduce } from '../../src/distributed/ring.js';
import { connectTcpRing, type PeerAddress } from '../../src/distributed/tcpRing.js';

const { peers, length, rounds } = workerData as { peers: PeerAddress[]; length: number; rounds: number };
const server = net.createServer();
await new Promise<void>((resolve) => server.listen(peers[1]?.port, '127.0.0.1', resolve));
parentPort?.postMessage('listening');
const link = await connectTcpRing({ rank: 1, size: 2, server, peers });
const data = new Float32Array(length).fill(1);
for (let i = 0; i < rounds; i++) await ringAllReduce(data, link);
parentPort?.postMessage('done');
// Rank 0 closes its end first; this end then goes quietly.
parentPort?.once('message', () => {
  link.close();
  server.close();
  parentPort?.close();
});
