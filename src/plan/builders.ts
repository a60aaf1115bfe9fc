import { DataTypes } from '../types/DataType.js';
import type { PlanNode } from './nodes.js';

/** The plan that counts `plan`'s rows: one row, one `long` column `count` (Spark's `count(1)`). */
export function countPlan(plan: PlanNode): PlanNode {
  return {
    kind: 'aggregate',
    input: plan,
    groupBy: [],
    aggregates: [
      {
        kind: 'alias',
        name: 'count',
        expr: { kind: 'call', name: 'count', args: [{ kind: 'literal', value: 1, type: DataTypes.integer }] },
      },
    ],
  };
}
