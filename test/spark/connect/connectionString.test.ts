import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConnectionString } from '../../../src/engine/spark/connect/index.js';
import { SparkError } from '../../../src/errors.js';

describe('parseConnectionString', () => {
  it('defaults the port to 15002 and connects in plain text', () => {
    const c = parseConnectionString('sc://localhost');
    assert.equal(c.host, 'localhost');
    assert.equal(c.port, 15002);
    assert.equal(c.target, 'localhost:15002');
    assert.equal(c.useSsl, false);
    assert.deepEqual(c.headers, {});
  });

  it('reads the parameters Spark defines, and sends the others as headers', () => {
    const c = parseConnectionString(
      'sc://spark.example.com:443/;user_id=ana;session_id=00112233-4455-6677-8899-AABBCCDDEEFF;user_agent=app;grpc_max_message_size=1024;x-team=ml',
    );
    assert.equal(c.port, 443);
    assert.equal(c.userId, 'ana');
    assert.equal(c.sessionId, '00112233-4455-6677-8899-aabbccddeeff');
    assert.equal(c.userAgent, 'app');
    assert.equal(c.maxMessageSize, 1024);
    assert.deepEqual(c.headers, { 'x-team': 'ml' });
  });

  it('turns TLS on for use_ssl=true and for a token, and hides the token in the URL it reports', () => {
    assert.equal(parseConnectionString('sc://h:1/;use_ssl=true').useSsl, true);
    const c = parseConnectionString('sc://h:1/;token=s3cret;user_id=ana');
    assert.equal(c.useSsl, true);
    assert.equal(c.token, 's3cret');
    assert.equal(c.url, 'sc://h:1/;token=***;user_id=ana');
  });

  it('accepts IPv6 hosts in brackets', () => {
    const c = parseConnectionString('sc://[::1]:15002');
    assert.equal(c.host, '::1');
    assert.equal(c.target, '[::1]:15002');
  });

  for (const [url, why] of [
    ['http://localhost:15002', "the scheme must be 'sc://'"],
    ['sc://localhost:99999', 'port 99999 is out of range'],
    ['sc://localhost:15002/path', "the path must be empty, not '/path'"],
    ['sc://localhost/;user_id', "parameter 'user_id' is not of the form name=value"],
    ['sc://localhost/;session_id=abc', 'session_id must be a UUID'],
    ['sc://localhost/;use_ssl=yes', "use_ssl must be true or false, not 'yes'"],
  ] as const) {
    it(`refuses ${url}: ${why}`, () => {
      assert.throws(
        () => parseConnectionString(url),
        (e: unknown) =>
          e instanceof SparkError && e.errorClass === 'INVALID_CONNECT_URL' && e.message.includes(why),
      );
    });
  }
});
