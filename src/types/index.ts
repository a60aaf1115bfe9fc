export * from './arrow.js';
export * from './DataType.js';
export * from './Schema.js';
export type * from './Value.js';
