import { APIResource } from '../core/resource.js';

/** Assets: assets, types, counts, calibration, maintenance, state, logs, messages, sub-assets. */
export class AssetResource extends APIResource {}
