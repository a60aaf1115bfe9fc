/**
 * Seeded synthetic classification data whose best accuracy is known.
 *
 * Each row has a standard normal latent vector `z` (`latent` dimensions); its features are a fixed seeded linear
 * map of `z` plus a little independent noise, `x = z·A + noise·n`, and its label is the argmax of a seeded linear
 * teacher on `z`. Rows whose two best teacher scores differ by less than `margin` (in units of the scores' standard
 * deviation) are drawn again, so the classes are separated by that margin. Since `z` is a linear function of the
 * noise-free features, a linear model on `x` (and so any network whose last layer is linear) can label every row
 * correctly: the reachable accuracy is 1, up to the noise, whose effect on the best linear model's scores (about
 * `noise·√(latent/features)`) must stay far below the margin. Few latent dimensions make the task learnable from
 * tens of thousands of rows, and held-out accuracy approaches 1 as well.
 */

import { mulberry32 } from '../../src/nn/layers.js';

/** Rows of features (row-major, `rows × features`) and class labels. */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
}

/** The fixed parts of a task: the latent-to-feature map and the teacher. */
export interface Task {
  readonly latent: number;
  readonly features: number;
  readonly classes: number;
  /** `latent × features`, standard normal / √latent, so each noise-free feature is standard normal. */
  readonly map: Float32Array;
  /** `latent × classes`, standard normal / √latent, so each teacher score is standard normal. */
  readonly teacher: Float32Array;
  readonly margin: number;
  readonly noise: number;
}

/** Standard normal draws (Box–Muller over mulberry32). */
function gaussian(seed: number): () => number {
  const rand = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = Math.max(rand(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * rand();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

function normalMatrix(rows: number, cols: number, scale: number, normal: () => number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = normal() * scale;
  return m;
}

/** A task drawn from `seed`. */
export function teacherTask(o: {
  latent: number;
  features: number;
  classes: number;
  margin: number;
  noise: number;
  seed: number;
}): Task {
  const normal = gaussian(o.seed);
  const scale = 1 / Math.sqrt(o.latent);
  return {
    ...o,
    map: normalMatrix(o.latent, o.features, scale, normal),
    teacher: normalMatrix(o.latent, o.classes, scale, normal),
  };
}

/** Draws `rows` labelled rows of `task` from `seed`. */
export function sampleTask(task: Task, rows: number, seed: number): Dataset {
  const { latent, features, classes, map, teacher } = task;
  const normal = gaussian(seed);
  const x = new Float32Array(rows * features);
  const y = new Int32Array(rows);
  const z = new Float64Array(latent);
  const scores = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    // Draw z until its best class wins by the margin.
    for (;;) {
      for (let l = 0; l < latent; l++) z[l] = normal();
      scores.fill(0);
      for (let l = 0; l < latent; l++) {
        const zl = z[l] as number;
        for (let c = 0; c < classes; c++)
          scores[c] = (scores[c] as number) + zl * (teacher[l * classes + c] as number);
      }
      let best = 0;
      for (let c = 1; c < classes; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
      let second = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) if (c !== best) second = Math.max(second, scores[c] as number);
      if ((scores[best] as number) - second >= task.margin) {
        y[r] = best;
        break;
      }
    }
    const row = x.subarray(r * features, (r + 1) * features);
    for (let f = 0; f < features; f++) row[f] = task.noise * normal();
    for (let l = 0; l < latent; l++) {
      const zl = z[l] as number;
      const a = map.subarray(l * features, (l + 1) * features);
      for (let f = 0; f < features; f++) row[f] = (row[f] as number) + zl * (a[f] as number);
    }
  }
  return { x, y, rows, features, classes };
}
