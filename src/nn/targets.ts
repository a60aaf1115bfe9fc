/**
 * The loss's targets for a batch of labels: one-hot rows for cross-entropy, checked floats for binary
 * cross-entropy and mean squared error.
 *
 * @module
 */
import { ParamError, SchemaError } from '../errors.js';
import type { Loss } from './Trainer.js';

/**
 * `rows × outputs` float targets for `loss` from `y`: class indices (one per row) for cross-entropy, one float per
 * output for the others. Throws on a label that is not a class index, a binary target outside [0, 1], or a count
 * that does not match.
 *
 * @example
 * ```ts
 * lossTargets('crossEntropy', [2, 0], 2, 3); // Float32Array [0, 0, 1, 1, 0, 0]
 * ```
 */
export function lossTargets(loss: Loss, y: ArrayLike<number>, rows: number, outputs: number): Float32Array {
  const k = outputs;
  if (loss !== 'crossEntropy') {
    if (y.length !== rows * k) {
      throw new SchemaError('LABEL_SIZE_MISMATCH', `Got ${y.length} targets; expected ${rows} rows × ${k}.`, {
        got: String(y.length),
      });
    }
    const targets = Float32Array.from(y);
    const bad = loss === 'binaryCrossEntropy' ? targets.findIndex((t) => !(t >= 0 && t <= 1)) : -1;
    if (bad >= 0) {
      throw new ParamError(
        'LABEL_OUT_OF_RANGE',
        `Binary cross-entropy target ${targets[bad]} at row ${Math.floor(bad / k)}, output ${bad % k} is not in ` +
          '[0, 1]; give 0/1 (or probability) targets, one per output unit.',
        { row: String(Math.floor(bad / k)), label: String(targets[bad]) },
      );
    }
    return targets;
  }
  if (y.length !== rows) {
    throw new SchemaError('LABEL_SIZE_MISMATCH', `Got ${y.length} labels; expected one per row (${rows}).`, {
      got: String(y.length),
    });
  }
  const onehot = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const label = y[r] ?? Number.NaN;
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new ParamError(
        'LABEL_OUT_OF_RANGE',
        `Label ${label} at row ${r} is not a class index in [0, ${k - 1}]; the last layer has ${k} units.`,
        { row: String(r), label: String(label), classes: String(k) },
      );
    }
    onehot[r * k + label] = 1;
  }
  return onehot;
}
