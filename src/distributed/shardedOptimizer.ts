/**
 * The optimizer's update of one worker's shard of the parameters (ZeRO's stage 1, "optimizer state sharding"):
 * after the ring's reduce-scatter, worker `r` holds the summed gradient of one chunk of the flat parameter vector;
 * it updates only that chunk's weights, with only that chunk's optimizer state, and the all-gather then hands the
 * updated weights to every worker. The update's cost and the optimizer's memory are divided by the number of
 * workers, and the replicas stay identical (each weight is updated once, by one worker, then copied).
 *
 * The arithmetic is the training engine's (see `emitUpdate` in `nn/optimizers.ts`): Adam with rescaled moments
 * `M ← β1·M + g; V ← β2·V + g²; w ← w − a_t·M/(√V + ε_t)`, SGD with optional momentum — elementwise, in one pass
 * over the shard (in float64, stored as float32).
 *
 * @module
 */
import { type OptimizerSpec, stepScalarValues } from '../nn/optimizers.js';

/**
 * One shard's optimizer: its state (Adam's two moments, SGD's velocity) for `length` weights.
 *
 * @example
 * ```ts
 * const shard = new ShardedOptimizer(adam(), end - start);
 * shard.apply(weights.subarray(start, end), flat.subarray(start, end), step); // flat now holds the new weights
 * ```
 */
export class ShardedOptimizer {
  /** The state, flat: Adam `[M, V]`, SGD with momentum `[velocity]`, plain SGD `[]`. */
  readonly state: Float32Array[];

  constructor(
    private readonly spec: OptimizerSpec,
    readonly length: number,
  ) {
    const slots = spec.kind === 'adam' ? 2 : spec.momentum !== 0 ? 1 : 0;
    this.state = Array.from({ length: slots }, () => new Float32Array(length));
  }

  /** How many state arrays the optimizer keeps per weight. */
  static slots(spec: OptimizerSpec): number {
    return spec.kind === 'adam' ? 2 : spec.momentum !== 0 ? 1 : 0;
  }

  /**
   * Update `t` (1-based): reads the weights from `weights` and the summed gradient from `gradAndOut`, and writes the
   * updated weights over the gradient in `gradAndOut`.
   */
  apply(weights: Float32Array, gradAndOut: Float32Array, t: number): void {
    const n = this.length;
    const spec = this.spec;
    if (spec.kind === 'adam') {
      const [a, eps] = stepScalarValues(spec, t) as [number, number];
      const m = this.state[0] as Float32Array;
      const v = this.state[1] as Float32Array;
      const b1 = spec.beta1;
      const b2 = spec.beta2;
      for (let i = 0; i < n; i++) {
        const g = gradAndOut[i] as number;
        const mi = b1 * (m[i] as number) + g;
        const vi = b2 * (v[i] as number) + g * g;
        m[i] = mi;
        v[i] = vi;
        gradAndOut[i] = (weights[i] as number) - (a * mi) / (Math.sqrt(vi) + eps);
      }
      return;
    }
    const lr = spec.learningRate;
    if (spec.momentum === 0) {
      for (let i = 0; i < n; i++) gradAndOut[i] = (weights[i] as number) - lr * (gradAndOut[i] as number);
      return;
    }
    const velocity = this.state[0] as Float32Array;
    for (let i = 0; i < n; i++) {
      const vi = spec.momentum * (velocity[i] as number) + (gradAndOut[i] as number);
      velocity[i] = vi;
      gradAndOut[i] = (weights[i] as number) - lr * vi;
    }
  }
}
