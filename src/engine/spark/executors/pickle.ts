/**
 * The pickled command of a Python UDF, written by hand.
 *
 * pyspark's worker unpickles a UDF's `command` (with cloudpickle, which reads any standard pickle) and expects
 * `(function, return_type)` (`read_single_udf` in `pyspark/worker.py`: `f, return_type = read_command(…)`). A
 * function that lives in a module on the executor's Python path need not be pickled by value: a few pickle
 * opcodes that call the module's factory with a string argument make it on the executor, so deepframe needs
 * neither Python nor cloudpickle on the driver.
 *
 * Opcodes used (pickle protocol 2; Python's `pickletools` documents them):
 *
 * | opcode | byte | does |
 * | --- | --- | --- |
 * | `PROTO 2` | `\x80\x02` | starts a protocol-2 pickle |
 * | `GLOBAL` | `c` module `\n` name `\n` | pushes `module.name` (imports the module) |
 * | `BINUNICODE` | `X` + uint32 LE length + UTF-8 | pushes a string |
 * | `TUPLE1`, `TUPLE2` | `\x85`, `\x86` | pops 1 or 2 items, pushes them as a tuple |
 * | `REDUCE` | `R` | pops arguments and a callable, pushes `callable(*arguments)` |
 * | `STOP` | `.` | ends; the top of the stack is the result |
 *
 * @module
 */
import { ParamError } from '../../../errors.js';

const PROTO = 0x80;
const GLOBAL = 0x63; // 'c'
const BINUNICODE = 0x58; // 'X'
const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const REDUCE = 0x52; // 'R'
const STOP = 0x2e; // '.'

/** A call of a Python function by its qualified name, with string arguments: what a pickle can make. */
export interface PythonCall {
  /** The module, such as `pyspark.sql.types`. */
  readonly module: string;
  /** The function's name in the module. */
  readonly name: string;
  /** Its positional arguments, all strings (one or two). */
  readonly args: readonly [string] | readonly [string, string];
}

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Writes pickle opcodes into a growing buffer. */
class PickleWriter {
  readonly #parts: Uint8Array[] = [];

  bytes(...values: number[]): this {
    this.#parts.push(Uint8Array.from(values));
    return this;
  }

  global(module: string, name: string): this {
    if (!DOTTED.test(module) || !IDENTIFIER.test(name)) {
      throw new ParamError(
        'INVALID_PYTHON_NAME',
        `'${module}.${name}' is not a Python module and function name that a pickle can name.`,
        { module, name },
      );
    }
    this.bytes(GLOBAL);
    this.#parts.push(new TextEncoder().encode(`${module}\n${name}\n`));
    return this;
  }

  string(value: string): this {
    const utf8 = new TextEncoder().encode(value);
    const header = new Uint8Array(5);
    header[0] = BINUNICODE;
    new DataView(header.buffer).setUint32(1, utf8.byteLength, true);
    this.#parts.push(header, utf8);
    return this;
  }

  call(call: PythonCall): this {
    this.global(call.module, call.name);
    for (const arg of call.args) this.string(arg);
    return this.bytes(call.args.length === 1 ? TUPLE1 : TUPLE2, REDUCE);
  }

  finish(): Uint8Array {
    this.bytes(STOP);
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}

/**
 * A pickle of the pair `(function(...), return_type(...))`: each element is made on the executor by calling a
 * Python function with string arguments. This is the shape of a Python UDF's `command` in Spark Connect.
 *
 * @example
 * ```ts
 * const command = udfCommandPickle(
 *   { module: 'deepframe_executor', name: 'make_runner', args: ['{"version":1,…}'] },
 *   { module: 'pyspark.sql.types', name: '_parse_datatype_json_string', args: ['{"type":"struct","fields":[]}'] },
 * );
 * // python: pickle.loads(command) == (make_runner('{…}'), _parse_datatype_json_string('{…}'))
 * ```
 */
export function udfCommandPickle(fn: PythonCall, returnType: PythonCall): Uint8Array {
  return new PickleWriter().bytes(PROTO, 2).call(fn).call(returnType).bytes(TUPLE2).finish();
}

/** pyspark's parser of Spark's JSON types, which makes a return type from its JSON on the executor. */
export const PARSE_SPARK_JSON_TYPE = {
  module: 'pyspark.sql.types',
  name: '_parse_datatype_json_string',
} as const;

/**
 * The command of a map-in-Arrow UDF that is `module.factory(config)`, returning rows of Spark type `typeJson`.
 *
 * @example
 * ```ts
 * mapInArrowCommand('deepframe_executor_0123abcd', 'make_runner', JSON.stringify(config), sparkJsonSchema(schema));
 * ```
 */
export function mapInArrowCommand(
  module: string,
  factory: string,
  config: string,
  typeJson: string,
): Uint8Array {
  return udfCommandPickle(
    { module, name: factory, args: [config] },
    { ...PARSE_SPARK_JSON_TYPE, args: [typeJson] },
  );
}
