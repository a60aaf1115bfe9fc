import { DataTypes, type StructType } from '../../types/DataType.js';
import { Estimator } from '../Estimator.js';
import type { Model } from '../Model.js';
import type { Param } from '../Param.js';
import { appendColumn } from '../schemaUtils.js';
import {
  type HasFeaturesCol,
  type HasLabelCol,
  type HasPredictionCol,
  type HasProbabilityCol,
  type HasRawPredictionCol,
  SharedParams,
} from '../sharedParams.js';
import { showProgressSpec } from './classifierParams.js';
import { thresholdsSpec } from './ProbabilisticClassificationModel.js';

/**
 * What Spark ML's probabilistic classifiers share (its `ProbabilisticClassifier`): the column params
 * (`featuresCol`, `labelCol`, `predictionCol`, `probabilityCol`, `rawPredictionCol`), `thresholds`, and deepframe's
 * `showProgress`, with their getters and setters; subclasses add their own params and `_fit`.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression().setFeaturesCol('embedding').setPredictionCol('predicted');
 * ```
 */
export abstract class ProbabilisticClassifier<M extends Model>
  extends Estimator<M>
  implements HasFeaturesCol, HasLabelCol, HasPredictionCol, HasProbabilityCol, HasRawPredictionCol
{
  readonly featuresCol = this.declareParam(SharedParams.featuresCol);
  readonly labelCol = this.declareParam(SharedParams.labelCol);
  readonly predictionCol = this.declareParam(SharedParams.predictionCol);
  readonly probabilityCol = this.declareParam(SharedParams.probabilityCol);
  readonly rawPredictionCol = this.declareParam(SharedParams.rawPredictionCol);
  readonly thresholds: Param<readonly number[]> = this.declareParam(thresholdsSpec);
  readonly showProgress = this.declareParam(showProgressSpec);

  getFeaturesCol(): string {
    return this.getOrDefault(this.featuresCol);
  }
  setFeaturesCol(value: string): this {
    return this.set(this.featuresCol, value);
  }
  getLabelCol(): string {
    return this.getOrDefault(this.labelCol);
  }
  setLabelCol(value: string): this {
    return this.set(this.labelCol, value);
  }
  getPredictionCol(): string {
    return this.getOrDefault(this.predictionCol);
  }
  setPredictionCol(value: string): this {
    return this.set(this.predictionCol, value);
  }
  getProbabilityCol(): string {
    return this.getOrDefault(this.probabilityCol);
  }
  setProbabilityCol(value: string): this {
    return this.set(this.probabilityCol, value);
  }
  getRawPredictionCol(): string {
    return this.getOrDefault(this.rawPredictionCol);
  }
  setRawPredictionCol(value: string): this {
    return this.set(this.rawPredictionCol, value);
  }
  /** Per-class thresholds (unset by default). */
  getThresholds(): readonly number[] | undefined {
    return this.isDefined(this.thresholds) ? this.getOrDefault(this.thresholds) : undefined;
  }
  setThresholds(value: readonly number[]): this {
    return this.set(this.thresholds, value);
  }
  /** Whether fit draws a progress bar (on a terminal only). */
  getShowProgress(): boolean {
    return this.getOrDefault(this.showProgress);
  }
  setShowProgress(value: boolean): this {
    return this.set(this.showProgress, value);
  }

  /** `schema` with the model's output columns (`vector<classes>` scores, double prediction) appended. */
  protected appendOutputColumns(schema: StructType, classes: number): StructType {
    let out = schema;
    const vector = DataTypes.vector(classes);
    if (this.getRawPredictionCol()) out = appendColumn(out, this.getRawPredictionCol(), vector, this.uid);
    if (this.getProbabilityCol()) out = appendColumn(out, this.getProbabilityCol(), vector, this.uid);
    if (this.getPredictionCol()) out = appendColumn(out, this.getPredictionCol(), DataTypes.double, this.uid);
    return out;
  }
}
