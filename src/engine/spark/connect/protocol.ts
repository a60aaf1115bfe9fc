import protobuf from 'protobufjs/light.js';
import { SparkError } from '../../../errors.js';
import { SPARK_CONNECT_DESCRIPTOR } from '../proto/descriptor.js';
import type * as proto from '../proto/index.js';

/**
 * The wire side of Spark Connect: the protocol's message types, loaded once from deepframe's JSON descriptor, and
 * a codec per message that turns plain objects (protobufjs' camelCase field names) into bytes and back.
 *
 * Encoding checks the object first: an unknown field, a wrong enum name or two members of one `oneof` is a
 * {@link SparkError} `INVALID_CONNECT_MESSAGE` naming the path, not a field that protobufjs would silently drop.
 * Decoding gives 64-bit integers as decimal strings, enums as names, bytes as `Uint8Array`s (Node `Buffer`s), and
 * leaves out fields that are not set.
 */

const root = protobuf.Root.fromJSON(SPARK_CONNECT_DESCRIPTOR as protobuf.INamespace);
root.resolveAll();

const DECODE_OPTIONS: protobuf.IConversionOptions = { longs: String, enums: String };

/** Encodes and decodes one message type. */
export interface MessageCodec<T> {
  /** The message's full name, such as `spark.connect.ExecutePlanRequest`. */
  readonly typeName: string;
  /** Checks and serializes a plain object. */
  encode(value: T): Buffer;
  /** Parses bytes into a plain object. */
  decode(bytes: Uint8Array): T;
}

/** The codec of a message type of the protocol, by full name. */
export function codec<T extends object>(typeName: string): MessageCodec<T> {
  const type = root.lookupType(typeName);
  return {
    typeName,
    encode(value: T): Buffer {
      checkMessage(type, value, type.name);
      let message: protobuf.Message;
      try {
        message = type.fromObject(value as Record<string, unknown>);
      } catch (e) {
        throw invalid(type.name, `it could not be converted: ${(e as Error).message}`);
      }
      const bytes = type.encode(message).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode(bytes: Uint8Array): T {
      return type.toObject(type.decode(bytes), DECODE_OPTIONS) as T;
    },
  };
}

function invalid(path: string, why: string): SparkError {
  return new SparkError(
    'INVALID_CONNECT_MESSAGE',
    `The Spark Connect message field \`${path}\` is invalid: ${why}. Build messages with the types of engine/spark/proto.`,
    { path },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Checks a plain object against a message type: known fields only, valid enum names, one member per oneof. */
function checkMessage(type: protobuf.Type, value: unknown, path: string): void {
  if (!isPlainObject(value))
    throw invalid(path, `expected a ${type.fullName.slice(1)} object, got ${describe(value)}`);
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    const field = type.fields[key];
    if (field === undefined) {
      // protobufjs' virtual oneof properties (`relType: 'range'`) may come back on decoded messages.
      if (type.oneofs?.[key] !== undefined && typeof item === 'string') continue;
      const known = Object.keys(type.fields).join(', ');
      throw invalid(
        `${path}.${key}`,
        `${type.fullName.slice(1)} has no field '${key}' (its fields: ${known})`,
      );
    }
    const at = `${path}.${key}`;
    if (field.map) {
      if (!isPlainObject(item)) throw invalid(at, `expected a map (an object), got ${describe(item)}`);
      for (const [k, v] of Object.entries(item)) checkValue(field, v, `${at}[${JSON.stringify(k)}]`);
    } else if (field.repeated) {
      if (!Array.isArray(item)) throw invalid(at, `expected an array, got ${describe(item)}`);
      item.forEach((v, i) => {
        checkValue(field, v, `${at}[${i}]`);
      });
    } else {
      checkValue(field, item, at);
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => value[name] !== undefined && value[name] !== null);
    if (set.length > 1) {
      throw invalid(path, `${set.map((s) => `'${s}'`).join(' and ')} are set, but only one of them may be`);
    }
  }
}

function checkValue(field: protobuf.Field, value: unknown, path: string): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    checkMessage(resolved, value, path);
  } else if (resolved instanceof protobuf.Enum) {
    const ok =
      typeof value === 'number' || (typeof value === 'string' && resolved.values[value] !== undefined);
    if (!ok) {
      throw invalid(
        path,
        `expected one of ${Object.keys(resolved.values).join(', ')}, got ${describe(value)}`,
      );
    }
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** One method of `spark.connect.SparkConnectService`: its gRPC path and the codecs of its messages. */
export interface ServiceMethod<Req, Res> {
  readonly path: string;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
}

function method<Req extends object, Res extends object>(
  name: string,
  request: string,
  response: string,
): ServiceMethod<Req, Res> {
  return {
    path: `/spark.connect.SparkConnectService/${name}`,
    request: codec<Req>(`spark.connect.${request}`),
    response: codec<Res>(`spark.connect.${response}`),
  };
}

/** The methods of `spark.connect.SparkConnectService` that deepframe calls. */
export const SERVICE = {
  executePlan: method<proto.ExecutePlanRequest, proto.ExecutePlanResponse>(
    'ExecutePlan',
    'ExecutePlanRequest',
    'ExecutePlanResponse',
  ),
  analyzePlan: method<proto.AnalyzePlanRequest, proto.AnalyzePlanResponse>(
    'AnalyzePlan',
    'AnalyzePlanRequest',
    'AnalyzePlanResponse',
  ),
  config: method<proto.ConfigRequest, proto.ConfigResponse>('Config', 'ConfigRequest', 'ConfigResponse'),
  addArtifacts: method<proto.AddArtifactsRequest, proto.AddArtifactsResponse>(
    'AddArtifacts',
    'AddArtifactsRequest',
    'AddArtifactsResponse',
  ),
  artifactStatus: method<proto.ArtifactStatusesRequest, proto.ArtifactStatusesResponse>(
    'ArtifactStatus',
    'ArtifactStatusesRequest',
    'ArtifactStatusesResponse',
  ),
  interrupt: method<proto.InterruptRequest, proto.InterruptResponse>(
    'Interrupt',
    'InterruptRequest',
    'InterruptResponse',
  ),
  reattachExecute: method<proto.ReattachExecuteRequest, proto.ExecutePlanResponse>(
    'ReattachExecute',
    'ReattachExecuteRequest',
    'ExecutePlanResponse',
  ),
  releaseExecute: method<proto.ReleaseExecuteRequest, proto.ReleaseExecuteResponse>(
    'ReleaseExecute',
    'ReleaseExecuteRequest',
    'ReleaseExecuteResponse',
  ),
  releaseSession: method<proto.ReleaseSessionRequest, proto.ReleaseSessionResponse>(
    'ReleaseSession',
    'ReleaseSessionRequest',
    'ReleaseSessionResponse',
  ),
  fetchErrorDetails: method<proto.FetchErrorDetailsRequest, proto.FetchErrorDetailsResponse>(
    'FetchErrorDetails',
    'FetchErrorDetailsRequest',
    'FetchErrorDetailsResponse',
  ),
} as const;

/** Codecs of the gRPC rich error model that Spark puts in a failed call's `grpc-status-details-bin` trailer. */
export const RPC_STATUS = codec<proto.RpcStatus>('google.rpc.Status');
/** `google.rpc.ErrorInfo`, found in {@link RPC_STATUS}'s details. */
export const ERROR_INFO = codec<proto.ErrorInfo>('google.rpc.ErrorInfo');
/** `spark.connect.LocalRelation`, whose serialized bytes are what a `cache/<sha256>` artifact of local data holds. */
export const LOCAL_RELATION = codec<proto.LocalRelation>('spark.connect.LocalRelation');
