/**
 * deepframe's Spark Connect protocol: the subset of Spark 4.x's messages that deepframe sends and reads, written as
 * `.proto` files in this folder (same message names and field numbers as Spark's), loaded at run time from their
 * protobufjs JSON descriptor, and typed here as plain objects.
 */
export type * from './commands.js';
export { SPARK_CONNECT_DESCRIPTOR } from './descriptor.js';
export type * from './expressions.js';
export type * from './ml.js';
export type * from './relations.js';
export type * from './service.js';
export type * from './types.js';
