/**
 * Classifiers and clip statistics of the papers' video protocols: HSEmotion's feature-statistics
 * protocol (AFEW: LinearSVC(C=1.1) on L2-normalised mean/std/min/max; VGAF: SVC(rbf, C=1.9) on the
 * two-level mean/std) and EMO-AffectNet-style leave-one-corpus-out heads. All reproduce scikit-learn.
 */
export type { Classifier, ClassifierRecord, TrainingSetId } from './classifier.js';
export { toMatrix, type Matrix, type MatrixInput } from './matrix.js';
export { encodeLabels, type Label } from './labels.js';
export { LinearSVC, type LinearSvcOptions } from './linear-svc.js';
export { SVC, type SvcOptions, type SvcKernel } from './svc.js';
export { LogisticRegression, type LogisticRegressionOptions } from './logistic.js';
export { StandardScaler } from './scaler.js';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult } from './lbfgs.js';
export { afewDescriptor, vgafDescriptor, l2Normalize, describeClips, type ClipInput, type ClipDescriptors, type ClipProtocol } from './clip-stats.js';
export { leaveOneCorpusOut, stack, type LocoCorpus, type LocoFold } from './loco.js';
