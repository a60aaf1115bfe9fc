export * from './expressions.js';
export * from './nodes.js';
