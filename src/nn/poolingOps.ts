/**
 * Differentiable pooling ops on NCHW tensors, for the layers of `pooling.ts`.
 *
 * Forward passes are ONNX `MaxPool`, `AveragePool` (padding excluded from the average, as Keras does),
 * `ReduceMean` and `ReduceMax`. The gradients:
 * - MaxPool routes each window's output gradient to the window's first maximum (padding reads as −∞). When the
 *   windows tile the input (stride = window, the common 2×2 pooling), the windows are laid out as rows of
 *   `kh·kw` cells by `Reshape` and a `Transpose` that keeps runs of `kw` together, `ArgMax` picks a cell per row, and
 *   one `ScatterElements` over the flattened input writes each gradient at its flat position (computed from the
 *   cell and the window's origin; tiling windows never share a position).
 * - AvgPool spreads `dy / count` over each window: for tiling windows by a nearest-neighbour `Resize`.
 * - Otherwise (overlapping or gapped windows), the cells are `[B, C, kh·kw, Ho·Wo]` by `Gather`
 *   over a constant table of the flat position in the padded input of each cell `k` of each window `l`; MaxPool
 *   keeps `dy` at the first argmax (`Where(Equal(argmax, k), dy, 0)`), AvgPool puts `dy / count` in every cell;
 *   the cells go back by `ScatterElements`, in groups of cells that never hit the same position twice
 *   (`⌈kh/sh⌉·⌈kw/sw⌉` groups, one when windows do not overlap), the groups added, so a position in several windows
 *   gets the sum of their gradients.
 *
 * Layouts avoid broadcasting along a short innermost axis, which ONNX Runtime runs several times slower than
 * along a long one.
 *
 * @module
 */

import type { Tape, Value } from './autodiff.js';
import type { Window2D } from './conv.js';

/**
 * Max pooling of `x` `[B, C, H, W]`; the gradient goes to the first maximum of each window (summed where windows
 * overlap). float32 or float64.
 *
 * @example
 * ```ts
 * const y = maxPool2d(tape, x, window2d('MaxPool2D', [28, 28], [2, 2], [2, 2], 'valid')); // [B, C, 14, 14]
 * ```
 */
export function maxPool2d(tape: Tape, x: Value, win: Window2D): Value {
  const g = tape.g;
  const name = g.node('MaxPool', [x.name], attrs(win));
  const [batch, c] = x.shape as [number, number];
  return tape.record([x], name, [batch, c, ...win.out], (dy) => {
    const padded = win.pads.some((p) => p > 0)
      ? g.node('Pad', [
          x.name,
          tape.ints([0, 0, win.pads[0], win.pads[1], 0, 0, win.pads[2], win.pads[3]]),
          tape.scalar(-Infinity),
        ])
      : x.name;
    if (win.kernel[0] === win.strides[0] && win.kernel[1] === win.strides[1]) {
      return [tiledMaxGradient(tape, padded, dy, x.shape, win)];
    }
    const cells = windowCells(tape, x.shape, win);
    const argmax = g.node('ArgMax', [cells.gather(padded)], { axis: 2, keepdims: 1 });
    const first = g.node('Equal', [
      argmax,
      g.initializer('pool_cells', 'int64', [cells.n, 1], range(cells.n)),
    ]);
    const dyw = g.node('Reshape', [dy, tape.ints(cells.window)]);
    return [cells.scatter(g.node('Where', [first, dyw, tape.scalar(0)]))];
  });
}

/**
 * Average pooling of `x` `[B, C, H, W]` (padding not counted); the gradient is spread evenly over each window.
 * float32 only (ONNX Runtime's AveragePool).
 *
 * @example
 * ```ts
 * const y = avgPool2d(tape, x, window2d('AvgPool2D', [28, 28], [3, 3], [2, 2], 'same')); // [B, C, 14, 14]
 * ```
 */
export function avgPool2d(tape: Tape, x: Value, win: Window2D): Value {
  const g = tape.g;
  const name = g.node('AveragePool', [x.name], attrs(win));
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  return tape.record([x], name, [batch, c, ...win.out], (dy) => {
    const inv: number[] = [];
    for (let oh = 0; oh < win.out[0]; oh++) {
      for (let ow = 0; ow < win.out[1]; ow++) inv.push(1 / (inside(oh, 0, h, win) * inside(ow, 1, w, win)));
    }
    const uniform = inv.every((v) => v === inv[0]);
    const scale = (shape: readonly number[]) =>
      uniform ? tape.scalar(inv[0] as number) : g.initializer('pool_inverse_count', tape.dtype, shape, inv);
    if (win.kernel[0] === win.strides[0] && win.kernel[1] === win.strides[1]) {
      return [tiledAvgGradient(tape, g.node('Mul', [dy, scale(win.out)]), x.shape, win)];
    }
    const cells = windowCells(tape, x.shape, win);
    const share = g.node('Mul', [g.node('Reshape', [dy, tape.ints(cells.window)]), scale([cells.size])]);
    return [cells.scatter(g.node('Expand', [share, tape.ints(cells.shape)]))];
  });
}

/**
 * The mean of each channel over height and width: `[B, C, H, W]` → `[B, C]`.
 *
 * @example
 * ```ts
 * const features = globalAvgPool(tape, x);
 * ```
 */
export function globalAvgPool(tape: Tape, x: Value): Value {
  const g = tape.g;
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  const name = g.node('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
  return tape.record([x], name, [batch, c], (dy) => {
    const share = g.node('Reshape', [
      g.node('Mul', [dy, tape.scalar(1 / (h * w))]),
      tape.ints([batch, c, 1, 1]),
    ]);
    return [g.node('Expand', [share, tape.ints(x.shape)])];
  });
}

/**
 * The maximum of each channel over height and width, `[B, C]`; the gradient goes to the first maximum.
 *
 * @example
 * ```ts
 * const features = globalMaxPool(tape, x);
 * ```
 */
export function globalMaxPool(tape: Tape, x: Value): Value {
  const g = tape.g;
  const [batch, c, h, w] = x.shape as [number, number, number, number];
  const name = g.node('ReduceMax', [x.name], { axes: [2, 3], keepdims: 0 });
  return tape.record([x], name, [batch, c], (dy) => {
    const flat = g.node('Reshape', [x.name, tape.ints([batch, c, h * w])]);
    const argmax = g.node('ArgMax', [flat], { axis: 2, keepdims: 1 });
    const first = g.node('Equal', [argmax, g.initializer('pool_cells', 'int64', [h * w], range(h * w))]);
    const routed = g.node('Where', [
      first,
      g.node('Reshape', [dy, tape.ints([batch, c, 1])]),
      tape.scalar(0),
    ]);
    return [g.node('Reshape', [routed, tape.ints(x.shape)])];
  });
}

function attrs(win: Window2D): Record<string, number[]> {
  return { kernel_shape: [...win.kernel], strides: [...win.strides], pads: [...win.pads] };
}

/** How many cells of window `o` along axis `a` fall inside the unpadded input of length `n`. */
function inside(o: number, a: 0 | 1, n: number, win: Window2D): number {
  const start = o * win.strides[a] - win.pads[a];
  return Math.min(start + win.kernel[a], n) - Math.max(start, 0);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * MaxPool's input gradient when the windows tile the input: `dy` written at each window's first maximum of the
 * (−∞-padded) input, by one ScatterElements over the flattened padded input.
 */
function tiledMaxGradient(
  tape: Tape,
  padded: string,
  dy: string,
  shape: readonly number[],
  win: Window2D,
): string {
  const g = tape.g;
  const [batch, c, h, w] = shape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const [ho, wo] = win.out;
  const hp = h + win.pads[0] + win.pads[2];
  const wp = w + win.pads[1] + win.pads[3];
  const windows = batch * c * ho * wo;
  // Rows and columns that no window reaches ('valid' with a remainder) are left out.
  const used =
    hp > ho * kh || wp > wo * kw
      ? g.node('Slice', [padded, tape.ints([0, 0]), tape.ints([ho * kh, wo * kw]), tape.ints([2, 3])])
      : padded;
  const split = g.node('Reshape', [used, tape.ints([batch, c, ho, kh, wo, kw])]);
  const rows = g.node('Reshape', [
    g.node('Transpose', [split], { perm: [0, 1, 2, 4, 3, 5] }),
    tape.ints([windows, kh * kw]),
  ]);
  const argmax = g.node('ArgMax', [rows], { axis: 1, keepdims: 0 });
  // Flat position of cell k = i·kw + j of window (b·C + c, oh, ow): (b·C + c)·Hp·Wp + (oh·kh + i)·Wp + ow·kw + j,
  // the cell's part computed as k + i·(Wp − kw) (elementwise ops with a scalar; Gather from a table is slower).
  const cellOffset = g.node('Add', [
    argmax,
    g.node('Mul', [g.node('Div', [argmax, tape.ints([kw])]), tape.ints([wp - kw])]),
  ]);
  const origin = g.node('Add', [
    g.node('Add', [
      g.initializer(
        'pool_plane',
        'int64',
        [batch * c, 1, 1],
        range(batch * c).map((p) => p * hp * wp),
      ),
      g.initializer(
        'pool_row',
        'int64',
        [ho, 1],
        range(ho).map((oh) => oh * kh * wp),
      ),
    ]),
    g.initializer(
      'pool_column',
      'int64',
      [wo],
      range(wo).map((ow) => ow * kw),
    ),
  ]);
  const position = g.node('Add', [cellOffset, g.node('Reshape', [origin, tape.ints([windows])])]);
  const zeros = g.node('Expand', [tape.scalar(0), tape.ints([batch * c * hp * wp])]);
  const flat = g.node('ScatterElements', [zeros, position, g.node('Reshape', [dy, tape.ints([windows])])], {
    axis: 0,
  });
  return crop(tape, g.node('Reshape', [flat, tape.ints([batch, c, hp, wp])]), shape, win);
}

/**
 * AvgPool's input gradient when the windows tile the input: each window's share repeated over its cells by a
 * nearest-neighbour `Resize` with integer scales (ONNX's defaults map output cell `kh·oh + i` to `oh`).
 */
function tiledAvgGradient(tape: Tape, share: string, shape: readonly number[], win: Window2D): string {
  const g = tape.g;
  const [, , h, w] = shape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const scales = g.initializer('pool_scales', 'float32', [4], [1, 1, kh, kw]);
  let image = g.node('Resize', [share, '', scales]);
  const restH = h + win.pads[0] + win.pads[2] - win.out[0] * kh;
  const restW = w + win.pads[1] + win.pads[3] - win.out[1] * kw;
  if (restH > 0 || restW > 0) image = g.node('Pad', [image, tape.ints([0, 0, 0, 0, 0, 0, restH, restW])]);
  return crop(tape, image, shape, win);
}

/** Windows laid out as cells `[B, C, kh·kw, Ho·Wo]`, and the way back. */
interface Cells {
  /** Cells per window. */
  readonly n: number;
  /** Windows per channel. */
  readonly size: number;
  /** The cells' shape. */
  readonly shape: readonly number[];
  /** One value per window, `[B, C, 1, Ho·Wo]`. */
  readonly window: readonly number[];
  /** The padded input `[B, C, Hp, Wp]` as cells. */
  gather(padded: string): string;
  /** Cells back to the unpadded input's shape `[B, C, H, W]`, summed where windows overlap. */
  scatter(cells: string): string;
}

/** Any windows: cells by Gather over a constant position table, back by ScatterElements. */
function windowCells(tape: Tape, shape: readonly number[], win: Window2D): Cells {
  const g = tape.g;
  const [batch, c, h, w] = shape as [number, number, number, number];
  const hp = h + win.pads[0] + win.pads[2];
  const wp = w + win.pads[1] + win.pads[3];
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [ho, wo] = win.out;
  const size = ho * wo;
  /** Flat padded-input positions, `[cell][output position]`, for the given cells. */
  const positions = (cells: readonly number[]) => {
    const out: number[] = [];
    for (const k of cells) {
      const i = Math.floor(k / kw);
      const j = k % kw;
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) out.push((oh * sh + i) * wp + ow * sw + j);
    }
    return out;
  };
  return {
    n: kh * kw,
    size,
    shape: [batch, c, kh * kw, size],
    window: [batch, c, 1, size],
    gather: (padded) => {
      const flat = g.node('Reshape', [padded, tape.ints([batch, c, hp * wp])]);
      const table = g.initializer('pool_index', 'int64', [kh * kw, size], positions(range(kh * kw)));
      return g.node('Gather', [flat, table], { axis: 2 });
    },
    scatter: (cells) => {
      // Cells whose rows fall in the same block of sh (columns of sw) never share a position.
      const groups = new Map<string, number[]>();
      for (let k = 0; k < kh * kw; k++) {
        const key = `${Math.floor(Math.floor(k / kw) / sh)},${Math.floor((k % kw) / sw)}`;
        groups.set(key, [...(groups.get(key) ?? []), k]);
      }
      const zeros = g.node('Expand', [tape.scalar(0), tape.ints([batch, c, hp * wp])]);
      let sum: string | undefined;
      for (const group of groups.values()) {
        const part =
          group.length === kh * kw ? cells : g.node('Gather', [cells, tape.ints(group)], { axis: 2 });
        const n = group.length * size;
        const where = g.node('Expand', [
          g.initializer('pool_positions', 'int64', [n], positions(group)),
          tape.ints([batch, c, n]),
        ]);
        const updates = g.node('Reshape', [part, tape.ints([batch, c, n])]);
        const scattered = g.node('ScatterElements', [zeros, where, updates], { axis: 2 });
        sum = sum === undefined ? scattered : g.node('Add', [sum, scattered]);
      }
      return crop(tape, g.node('Reshape', [sum as string, tape.ints([batch, c, hp, wp])]), shape, win);
    },
  };
}

/** Cuts the padding off a `[B, C, Hp, Wp]` gradient. */
function crop(tape: Tape, image: string, shape: readonly number[], win: Window2D): string {
  if (!win.pads.some((p) => p > 0)) return image;
  const [, , h, w] = shape as [number, number, number, number];
  const [pt, pl] = win.pads;
  return tape.g.node('Slice', [image, tape.ints([pt, pl]), tape.ints([pt + h, pl + w]), tape.ints([2, 3])]);
}
