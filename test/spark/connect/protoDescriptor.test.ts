import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { ensurePyspark } from '../../../src/engine/spark/cluster/index.js';
import { SPARK_CONNECT_DESCRIPTOR } from '../../../src/engine/spark/proto/index.js';

/** The repository's proto folder (tests run from dist/test/…). */
const PROTO_DIR = fileURLToPath(new URL('../../../../src/engine/spark/proto/', import.meta.url));
const DESCRIPTOR_FILE = `${PROTO_DIR}descriptor.ts`;

const HEADER = `// Generated from the .proto files in this folder: do not edit by hand. To regenerate after changing a .proto file,
// run \`DEEPFRAME_UPDATE_PROTO_DESCRIPTOR=1 node --test dist/test/spark/connect/protoDescriptor.test.js\`.

/** A JSON value. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The protobufjs JSON descriptor of deepframe's Spark Connect protocol subset (and the google.rpc error model). */
export const SPARK_CONNECT_DESCRIPTOR: { readonly [key: string]: JsonValue } = `;

/** Parses the .proto files as protobufjs does, well-known google/protobuf types from its bundled copies. */
function parseProtos(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : `${PROTO_DIR}${target}`;
  root.loadSync(['spark/connect/base.proto', 'google/rpc/status.proto']);
  root.resolveAll();
  return root;
}

/** Every message's fields as [name, number, type, label] and every enum's values, by full name. */
function fieldTable(root: protobuf.Root): Record<string, unknown[]> {
  const table: Record<string, unknown[]> = {};
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      const name = nested.fullName.slice(1);
      if (nested instanceof protobuf.Type) {
        table[name] = nested.fieldsArray.map((f) => [
          f.name,
          f.id,
          f.type,
          f.map ? 'map' : f.repeated ? 'repeated' : '',
        ]);
      } else if (nested instanceof protobuf.Enum) {
        table[name] = Object.entries(nested.values);
      }
      if (nested instanceof protobuf.Namespace) walk(nested);
    }
  };
  walk(root);
  return table;
}

describe('the Spark Connect protocol definitions', () => {
  it('are what descriptor.ts holds (regenerate it with DEEPFRAME_UPDATE_PROTO_DESCRIPTOR=1)', () => {
    const parsed = JSON.parse(JSON.stringify(parseProtos().toJSON())) as unknown;
    if (process.env.DEEPFRAME_UPDATE_PROTO_DESCRIPTOR === '1') {
      writeFileSync(DESCRIPTOR_FILE, `${HEADER}${JSON.stringify(parsed, null, 2)};\n`);
      spawnSync('npx', ['biome', 'format', '--write', DESCRIPTOR_FILE], { stdio: 'ignore' });
    }
    assert.deepEqual(JSON.parse(JSON.stringify(SPARK_CONNECT_DESCRIPTOR)), parsed);
  });

  it('give every message, field and enum value the name, number and type that pyspark, the server, gives it', async () => {
    // pyspark's generated code is Spark's own definition of the protocol: compare with the release deepframe tests with.
    const { python } = await ensurePyspark();
    const script = `
import json, re, sys
from google.protobuf import descriptor_pool
import pyspark.sql.connect.proto
from google.rpc import status_pb2, error_details_pb2
pool = descriptor_pool.Default()
camel = lambda s: re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), s)
scalar = {1:'double',2:'float',3:'int64',4:'uint64',5:'int32',8:'bool',9:'string',12:'bytes',13:'uint32'}
problems = []
for name, entries in json.load(sys.stdin).items():
    if name.startswith('google.protobuf'): continue
    try:
        message = pool.FindMessageTypeByName(name)
    except KeyError:
        try:
            values = {v.name: v.number for v in pool.FindEnumTypeByName(name).values}
        except KeyError:
            problems.append(f'{name}: no such message or enum'); continue
        problems += [f'{name}.{k} = {v}, pyspark: {values.get(k)}' for k, v in entries if values.get(k) != v]
        continue
    fields = {camel(f.name): f for f in message.fields}
    for fname, number, ftype, label in entries:
        f = fields.get(fname)
        if f is None: problems.append(f'{name}.{fname}: no such field'); continue
        repeated = f.is_repeated
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            value = f.message_type.fields_by_name['value']
            theirs = value.message_type.full_name if value.message_type else scalar.get(value.type)
            kind = 'map'
        else:
            theirs = (f.message_type or f.enum_type).full_name if (f.message_type or f.enum_type) else scalar.get(f.type)
            kind = 'repeated' if repeated else ''
        if f.number != number: problems.append(f'{name}.{fname}: number {number}, pyspark {f.number}')
        if not (theirs == ftype or theirs.endswith('.' + ftype)): problems.append(f'{name}.{fname}: type {ftype}, pyspark {theirs}')
        if kind != label: problems.append(f'{name}.{fname}: {label or "singular"}, pyspark {kind or "singular"}')
print(json.dumps(problems))
`;
    const child = execFile(python, ['-c', script]);
    child.stdin?.end(JSON.stringify(fieldTable(parseProtos())));
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`python exited with ${code}`)),
      );
    });
    assert.deepEqual(JSON.parse(stdout), []);
  });
});
