/**
 * Images: Spark's image struct (origin, height, width, nChannels, mode, BGR bytes), decoding with sharp, and
 * image columns in Arrow.
 */
export { swappedRedBlue, swapRedBlue } from './channelOrder.js';
export {
  type DecodeImageOptions,
  decodeImage,
  type ImageDecodeFailure,
  isImageDecodeFailure,
  tryDecodeImage,
} from './decodeImage.js';
export {
  checkImage,
  type ImageArrowType,
  type ImageShape,
  type ImageStruct,
  imageArrowType,
  imageColumnSchema,
  imageFields,
  imageFromRGB,
  imageSchema,
  imageToRGB,
  invalidImage,
  isInvalidImage,
  ocvModeOf,
  ocvTypes,
  undefinedImageType,
} from './ImageSchema.js';
export {
  type ImageBatchOptions,
  type ImageBatchRow,
  type ImageVectorOptions,
  imageAt,
  imageData,
  imageRecordBatch,
  imagesFromVector,
  imageVector,
} from './imageBatch.js';
