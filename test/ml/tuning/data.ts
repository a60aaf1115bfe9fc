import type { DataFrame } from '../../../src/frame/DataFrame.js';
import type { Session } from '../../../src/frame/Session.js';
import { mulberry32 } from '../../../src/nn/init.js';
import { DataTypes } from '../../../src/types/DataType.js';

/**
 * `n` rows of 4 features and a binary label from a noisy linear rule (so regularization matters), plus `fold`:
 * the row number mod 3, and `id`.
 */
export function binaryFrame(session: Session, n = 240, seed = 5): DataFrame {
  const rand = mulberry32(seed);
  const w = [1.5, -2, 0.7, 0];
  const rows = Array.from({ length: n }, (_, id) => {
    const x = [0, 1, 2, 3].map(() => rand() * 2 - 1);
    const z = x.reduce((s, v, j) => s + v * (w[j] as number), 0) + (rand() - 0.5) * 1.5;
    return { id, features: Float32Array.from(x), label: z > 0 ? 1 : 0, fold: id % 3 };
  });
  return session.createDataFrame(
    rows,
    DataTypes.struct([
      DataTypes.field('id', DataTypes.integer),
      DataTypes.field('features', DataTypes.vector(4)),
      DataTypes.field('label', DataTypes.double),
      DataTypes.field('fold', DataTypes.integer),
    ]),
  );
}
