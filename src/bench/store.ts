/**
 * The prediction store: per-item records of one evaluation, cached on disk, resumable after any crash.
 * Layout and guarantees are described in `store/prediction-store.ts`. The records file is JSON Lines
 * (one PredictionRecord per line, nested values as JSON arrays/objects), which pandas reads as:
 *
 *   df = pd.read_json(dir + '/predictions.jsonl', lines=True, precise_float=True,
 *                     dtype={'id': str, 'group': str, 'label': 'Int64'})
 *   scores = np.vstack(df.scores.dropna())   # (items, classes) in meta['key']['classes']['model'] order
 *
 * `precise_float=True` matters: pandas' default float parser is not exact, and the stored doubles are.
 * `dtype` keeps ids like `000123` as strings and null labels as <NA>. `meta.json` is plain JSON.
 * Format 2 ends every line with `"_crc"`, the crc32 of the record's own JSON (store/codec.ts): pandas
 * shows it as a column to drop (`df.drop(columns='_crc')`); `meta.json` has a `checksum` member.
 */
export { openStore, type OpenStoreOptions, type PredictionStore, type StoreStats } from './store/prediction-store.js';
export { findStore, listStores, readStore, readPredictions, sortRecords, DEFAULT_STORE_DIR } from './store/read.js';
export type { StoreContents, StoreListing } from './store/read.js';
export { keyShard, storeDirName, storeKeyHash, validateStoreKey, sameStoreKey, type StoreKey } from './store/key.js';
export { STORE_FORMAT_VERSION, META_FILE, PREDICTIONS_FILE, type StoreMeta, type StoreCompletion } from './store/meta.js';
export type { TornTail } from './store/scan.js';
