import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { chunkRange, ringAllReduce } from '../../src/distributed/ring.js';
import { connectTcpRing, type TcpRingLink } from '../../src/distributed/tcpRing.js';
import { DeepframeError } from '../../src/errors.js';
import { mulberry32 } from '../../src/nn/init.js';

/** `n` TCP ring links on loopback, all in this process. */
async function tcpRing(n: number): Promise<{ links: TcpRingLink[]; servers: net.Server[] }> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const peers = servers.map((s) => ({ host: '127.0.0.1', port: (s.address() as net.AddressInfo).port }));
  const links = await Promise.all(
    servers.map((server, rank) => connectTcpRing({ rank, size: n, server, peers, timeoutMs: 10_000 })),
  );
  return { links, servers };
}

function close(ring: { links: TcpRingLink[]; servers: net.Server[] }): void {
  for (const l of ring.links) l.close();
  for (const s of ring.servers) s.close();
}

describe('ring all-reduce over TCP', () => {
  it('cuts a vector into n chunks that cover it once', () => {
    for (const [length, n] of [
      [10, 3],
      [2, 3],
      [7, 7],
      [0, 2],
    ] as const) {
      let end = 0;
      for (let i = 0; i < n; i++) {
        const [a, b] = chunkRange(length, n, i);
        assert.equal(a, end);
        assert.ok(b >= a && b - a <= Math.ceil(length / n));
        end = b;
      }
      assert.equal(end, length);
    }
  });

  for (const n of [2, 3, 4]) {
    it(`sums float32 and float64 vectors over ${n} workers; every worker ends with the same bits`, async () => {
      const ring = await tcpRing(n);
      try {
        for (const [length, Ctor] of [
          [1001, Float32Array],
          [2, Float64Array],
          [65_537, Float64Array],
        ] as const) {
          const rand = mulberry32(length + n);
          const inputs = Array.from({ length: n }, () => {
            const a = new Ctor(length);
            for (let i = 0; i < length; i++) a[i] = rand() * 2 - 1;
            return a;
          });
          const data = inputs.map((a) => a.slice());
          await Promise.all(ring.links.map((link, r) => ringAllReduce(data[r] as Float32Array, link)));
          for (let i = 0; i < length; i++) {
            const expected = inputs.reduce((s, a) => s + (a[i] as number), 0);
            assert.ok(Math.abs((data[0]?.[i] as number) - expected) < 1e-5, `element ${i}`);
          }
          for (const d of data.slice(1)) assert.deepEqual(d, data[0]);
        }
      } finally {
        close(ring);
      }
    });
  }

  it('fails every waiting worker with GANG_PEER_LOST when a member dies, instead of hanging', async () => {
    const ring = await tcpRing(3);
    try {
      ring.links[1]?.close(); // worker 1 dies
      const results = await Promise.allSettled(
        [0, 2].map((r) => ringAllReduce(new Float32Array(300), ring.links[r] as TcpRingLink)),
      );
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const error = (r as PromiseRejectedResult).reason as DeepframeError;
        assert.ok(error instanceof DeepframeError);
        assert.equal(error.errorClass, 'GANG_PEER_LOST');
        assert.match(error.message, /lost its connection to worker \d/);
      }
    } finally {
      close(ring);
    }
  });

  it('gives up reaching a worker that never listens, naming it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as net.AddressInfo).port;
    dead.close();
    try {
      await assert.rejects(
        connectTcpRing({
          rank: 0,
          size: 2,
          server,
          peers: [
            { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port },
            { host: '127.0.0.1', port },
          ],
          timeoutMs: 500,
        }),
        (e: DeepframeError) =>
          e.errorClass === 'GANG_CONNECT_TIMEOUT' && e.message.includes(`127.0.0.1:${port}`),
      );
    } finally {
      server.close();
    }
  });
});
