/**
 * The model shipped in the repository (model.json, built by `npm run classify:train`): what
 * `npm run classify` uses without a database, and what workers use until the database holds a
 * trained version. tsc copies model.json into dist/ beside this file.
 */
import { ClassifierModel, type ModelFile } from './model';
import file from './model.json';

let shipped: ClassifierModel | null = null;

export function shippedModel(): ClassifierModel {
  shipped ??= ClassifierModel.fromFile(file as unknown as ModelFile);
  return shipped;
}
