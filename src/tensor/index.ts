export { concatBatches, concatData } from './concat.js';
export { vectorData, vectorValues } from './vectors.js';
