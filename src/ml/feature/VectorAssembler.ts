import { SchemaError } from '../../errors.js';
import { Column } from '../../frame/Column.js';
import type { DataFrame } from '../../frame/DataFrame.js';
import { array, coalesce, col, lit } from '../../frame/functions.js';
import { type DataType, DataTypes, isNumeric, type StructType, simpleString } from '../../types/DataType.js';
import { requireField } from '../../types/Schema.js';
import type { StageOptions } from '../Params.js';
import { registerStage } from '../persistence.js';
import { appendColumn } from '../schemaUtils.js';
import { type HasInputCols, type HasOutputCol, SharedParams } from '../sharedParams.js';
import { Transformer } from '../Transformer.js';
import { checkDistinct, handleInvalidParam, nonEmptyInputCols } from './featureParams.js';
import { type InvalidValueCheck, messageOf, withCheckedColumns } from './invalidValues.js';
import { isUnsizedVector, UNSIZED_VECTOR, withVectorTypes } from './vectorColumns.js';

/** What {@link VectorAssembler} does with nulls and NaNs (`handleInvalid`). */
export type VectorAssemblerHandleInvalid = 'error' | 'skip' | 'keep';

/**
 * Spark ML's `VectorAssembler`: concatenates numeric, boolean and vector columns, in `inputCols` order, into one
 * `vector<N>` column (N the sum of the inputs' sizes: 1 for a number or boolean, the size of a vector). Booleans
 * become 1 and 0.
 *
 * `handleInvalid` says what happens to a row with a null input, or a NaN in a numeric input (NaNs inside vectors
 * are values like any other): `'error'` (the default) fails the query, as in Spark (on the embedded engine,
 * `transform` checks the input first and throws an `ExecutionError` `USER_RAISED_EXCEPTION`); `'skip'` drops the
 * row; `'keep'` assembles it with NaN for the null or NaN inputs (as many NaNs as the input's size).
 *
 * Differences from Spark: the output is a dense `vector<N>` of 32-bit floats (Spark's vectors are doubles, dense or
 * sparse), so inputs are rounded to the nearest float; `keep` works with vector inputs without a `VectorSizeHint`,
 * since deepframe's vector types carry their size; an empty `inputCols` is an error (Spark outputs empty vectors).
 *
 * @example
 * ```ts
 * const assembler = new VectorAssembler({ inputCols: ['age', 'isMember', 'embedding'], outputCol: 'features' });
 * const out = await assembler.transform(df); // features: vector<2 + embedding's size>
 * ```
 */
export class VectorAssembler extends Transformer implements HasInputCols, HasOutputCol {
  /**
   * The columns to assemble, in order: numeric, boolean or `vector<N>`; at least one.
   *
   * @example
   * ```ts
   * assembler.setInputCols(['x', 'y', 'embedding']);
   * ```
   */
  readonly inputCols = this.declareParam(nonEmptyInputCols);
  /**
   * The output `vector<N>` column; default `<uid>__output`.
   *
   * @example
   * ```ts
   * assembler.setOutputCol('features');
   * ```
   */
  readonly outputCol = this.declareParam(SharedParams.outputCol);
  /**
   * What to do with a row that has a null, or a NaN in a numeric column: `'error'` (default), `'skip'` or `'keep'`
   * (NaNs in the output).
   *
   * @example
   * ```ts
   * assembler.setHandleInvalid('keep');
   * ```
   */
  readonly handleInvalid = this.declareParam(
    handleInvalidParam<VectorAssemblerHandleInvalid>(
      ['skip', 'error', 'keep'],
      "how to handle invalid data (null and NaN values). Options are 'skip' (filter out rows with invalid data), " +
        "'error' (throw an error), or 'keep' (return relevant number of NaN in the output). Vector columns' sizes " +
        'come from their types.',
      'error',
    ),
  );

  /**
   * A vector assembler with `options`' params.
   *
   * @example
   * ```ts
   * new VectorAssembler({ inputCols: ['x', 'y'], outputCol: 'features', handleInvalid: 'skip' });
   * ```
   */
  constructor(options: StageOptions<VectorAssembler> = {}) {
    super(options);
    this.applyOptions(options);
  }

  /** @example `assembler.getInputCols(); // ['x', 'y']` */
  getInputCols(): readonly string[] {
    return this.getOrDefault(this.inputCols);
  }
  /** @example `assembler.setInputCols(['x', 'y']);` */
  setInputCols(value: readonly string[]): this {
    return this.set(this.inputCols, value);
  }
  /** @example `assembler.getOutputCol(); // 'features'` */
  getOutputCol(): string {
    return this.getOrDefault(this.outputCol);
  }
  /** @example `assembler.setOutputCol('features');` */
  setOutputCol(value: string): this {
    return this.set(this.outputCol, value);
  }
  /** @example `assembler.getHandleInvalid(); // 'error'` */
  getHandleInvalid(): VectorAssemblerHandleInvalid {
    return this.getOrDefault(this.handleInvalid);
  }
  /** @example `assembler.setHandleInvalid('skip');` */
  setHandleInvalid(value: VectorAssemblerHandleInvalid): this {
    return this.set(this.handleInvalid, value);
  }

  /**
   * Adds the `vector<N>` output column. Throws `SchemaError` `COLUMN_TYPE_MISMATCH` for an input that is not
   * numeric, boolean or a vector, `UNRESOLVED_COLUMN` for a missing one, `COLUMN_ALREADY_EXISTS` when the output
   * exists; `ParamError` for unset or repeated input columns. An `array<float>` input (a vector whose size a stage
   * before it learns when fitted, such as a one-hot encoder's output in a pipeline) passes here and makes the
   * output `array<float>`; `transform` needs every vector input to be a `vector<N>` (`SchemaError`
   * `UNKNOWN_VECTOR_SIZE`).
   *
   * @example
   * ```ts
   * assembler.transformSchema(schema); // schema + features: vector<3>
   * ```
   */
  transformSchema(schema: StructType): StructType {
    const sizes = this.inputs(schema).map((input) => input.size);
    const type = sizes.every((size) => size !== undefined)
      ? DataTypes.vector(sizes.reduce((total, size) => total + size, 0))
      : UNSIZED_VECTOR;
    return appendColumn(schema, this.getOutputCol(), type, this.uid);
  }

  protected async _transform(df: DataFrame): Promise<DataFrame> {
    const inputs = this.inputs(await df.schema()).map((input) => sized(input, this.uid));
    const size = inputs.reduce((total, input) => total + input.size, 0);
    const handleInvalid = this.getHandleInvalid();
    const invalid = inputs.map((input) => invalidWhen(input));
    const source = handleInvalid === 'skip' ? df.filter(anyOf(invalid).not()) : df;
    const pieces: Column[] = [];
    let scalars: Column[] = [];
    for (const input of inputs) {
      const value = col(input.name);
      if (input.type.kind === 'vector') {
        if (scalars.length > 0) pieces.push(array(...scalars));
        scalars = [];
        const elements = value.cast(DataTypes.array(DataTypes.float));
        pieces.push(handleInvalid === 'keep' ? coalesce(elements, nanArray(input.size)) : elements);
      } else {
        const element = value.cast(DataTypes.float);
        scalars.push(
          handleInvalid === 'keep' ? coalesce(element, lit(Number.NaN).cast(DataTypes.float)) : element,
        );
      }
    }
    if (scalars.length > 0) pieces.push(array(...scalars));
    const joined =
      pieces.length === 1
        ? pieces[0]!
        : new Column({ kind: 'call', name: 'concat', args: pieces.map((p) => p.expr) });
    const checks: InvalidValueCheck[] =
      handleInvalid !== 'error'
        ? []
        : inputs.map((input, i) => ({
            when: invalid[i]!,
            message: messageOf(
              `VectorAssembler '${this.uid}' met a ${input.nanable ? 'null or NaN' : 'null'} value in column ` +
                `'${input.name}' (handleInvalid = "error"). Remove such rows, or set handleInvalid to 'skip' (drop ` +
                "them) or 'keep' (NaN in the output).",
            ),
          }));
    const assembled = await withCheckedColumns(source, [
      { name: this.getOutputCol(), value: joined.cast(DataTypes.vector(size)), checks },
    ]);
    return withVectorTypes(assembled, new Map([[this.getOutputCol(), size]]));
  }

  /** The input columns with their types and sizes, checked. */
  private inputs(schema: StructType): AssemblerInput<number | undefined>[] {
    const names = this.getInputCols();
    checkDistinct(this, names, 'input');
    return names.map((name) => {
      const field = requireField(schema, name, `the input of stage '${this.uid}'`);
      const type = field.type;
      if (type.kind === 'vector') return { name: field.name, type, size: type.size, nanable: false };
      if (isUnsizedVector(type)) return { name: field.name, type, size: undefined, nanable: false };
      if (isNumeric(type) || type.kind === 'boolean') {
        return { name: field.name, type, size: 1, nanable: type.kind === 'float' || type.kind === 'double' };
      }
      const actual = simpleString(type);
      const hint =
        type.kind === 'array'
          ? ' An array column has no fixed size: cast it to vector<N> (col(name).cast("vector<N>")) first.'
          : '';
      throw new SchemaError(
        'COLUMN_TYPE_MISMATCH',
        `Column '${field.name}' given to stage '${this.uid}' must be numeric, boolean or vector<N>, but is ` +
          `${actual}.${hint}`,
        { column: field.name, stage: this.uid, expected: 'numeric, boolean or vector<N>', actual },
      );
    });
  }
}
registerStage(VectorAssembler);

interface AssemblerInput<Size extends number | undefined = number> {
  readonly name: string;
  readonly type: DataType;
  /** 1 for a number, the size of a vector; `undefined` for a vector whose size is not known before a fit. */
  readonly size: Size;
  /** Whether NaN is an invalid value of the column (a float or double column). */
  readonly nanable: boolean;
}

/** True for a row whose value of `input` is invalid: null, or NaN in a float or double column. */
function invalidWhen(input: AssemblerInput): Column {
  const value = col(input.name);
  return input.nanable ? value.isNull().or(value.isNaN()) : value.isNull();
}

/** `input` with its size, or a `SchemaError` `UNKNOWN_VECTOR_SIZE` when it is an `array<float>`. */
function sized(input: AssemblerInput<number | undefined>, stage: string): AssemblerInput {
  const { size } = input;
  if (size !== undefined) return { ...input, size };
  throw new SchemaError(
    'UNKNOWN_VECTOR_SIZE',
    `Column '${input.name}' given to stage '${stage}' is array<float>, whose size is not known, so it cannot be ` +
      'assembled into a vector<N>: cast it to vector<N> (col(name).cast("vector<N>")) first.',
    { column: input.name, stage, expected: 'numeric, boolean or vector<N>', actual: 'array<float>' },
  );
}

function anyOf(conditions: readonly Column[]): Column {
  const [first, ...rest] = conditions;
  return rest.reduce((all, next) => all.or(next), first!);
}

function nanArray(size: number): Column {
  return new Column({
    kind: 'literal',
    value: new Array<number>(size).fill(Number.NaN),
    type: DataTypes.array(DataTypes.float),
  });
}
