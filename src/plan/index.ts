export * from './builders.js';
export * from './expressions.js';
export * from './nodes.js';
