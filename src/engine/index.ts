export * from './Engine.js';
