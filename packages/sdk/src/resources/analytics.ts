import { APIResource } from '../core/resource.js';

/** Analytics: yield, top failed, measurements, aggregated measurements, step analysis, OEE, serial-number history, UUT/UUR report lists. */
export class AnalyticsResource extends APIResource {}
