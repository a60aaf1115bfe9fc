import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaError } from '../../src/errors.js';
import { appendColumn, checkColumnType } from '../../src/ml/index.js';
import { DataTypes, isNumeric } from '../../src/types/index.js';

const schema = DataTypes.struct([
  DataTypes.field('id', DataTypes.long, false),
  DataTypes.field('features', DataTypes.vector(3)),
]);

describe('checkColumnType', () => {
  it("returns the column's type when it fits a type or a predicate", () => {
    assert.deepEqual(checkColumnType(schema, 'id', DataTypes.long, 'bigint', 'S_1'), DataTypes.long);
    assert.deepEqual(
      checkColumnType(schema, 'features', (t) => t.kind === 'vector', 'a vector', 'S_1'),
      DataTypes.vector(3),
    );
  });

  it('a missing column: UNRESOLVED_COLUMN listing the columns', () => {
    assert.throws(
      () => checkColumnType(schema, 'label', isNumeric, 'a numeric type', 'S_1'),
      (e: unknown) =>
        e instanceof SchemaError &&
        e.errorClass === 'UNRESOLVED_COLUMN' &&
        e.messageParameters.available === 'id,features' &&
        e.message.includes("the input of stage 'S_1'"),
    );
  });

  it('a column of another type: COLUMN_TYPE_MISMATCH naming column, stage, expected and actual', () => {
    assert.throws(
      () => checkColumnType(schema, 'features', isNumeric, 'a numeric type', 'S_1'),
      (e: unknown) => {
        assert.ok(e instanceof SchemaError);
        assert.equal(e.errorClass, 'COLUMN_TYPE_MISMATCH');
        assert.deepEqual(e.messageParameters, {
          column: 'features',
          stage: 'S_1',
          expected: 'a numeric type',
          actual: 'vector<3>',
        });
        assert.equal(
          e.message,
          "[COLUMN_TYPE_MISMATCH] Column 'features' given to stage 'S_1' must be of type a numeric type, but is " +
            'vector<3>. Cast it or choose another column.',
        );
        return true;
      },
    );
    assert.throws(
      () => checkColumnType(schema, 'features', DataTypes.vector(4), 'vector<4>', 'S_1'),
      SchemaError,
    );
  });
});

describe('appendColumn', () => {
  it('adds a field at the end', () => {
    assert.deepEqual(
      appendColumn(schema, 'prediction', DataTypes.double, 'S_1'),
      DataTypes.struct([...schema.fields, DataTypes.field('prediction', DataTypes.double)]),
    );
    assert.deepEqual(
      appendColumn(schema, 'p', DataTypes.double, 'S_1', false).fields.at(-1),
      DataTypes.field('p', DataTypes.double, false),
    );
  });

  it('an existing column (in any case): COLUMN_ALREADY_EXISTS', () => {
    for (const name of ['features', 'Features']) {
      assert.throws(
        () => appendColumn(schema, name, DataTypes.double, 'S_1'),
        (e: unknown) =>
          e instanceof SchemaError &&
          e.errorClass === 'COLUMN_ALREADY_EXISTS' &&
          e.messageParameters.column === name &&
          e.messageParameters.stage === 'S_1',
      );
    }
  });
});
