export { concatBatches, concatData, zipColumns } from './concat.js';
export { vectorData, vectorValues } from './vectors.js';
