import { APIResource } from '../core/resource.js';

/** Workflow: start and end a test. */
export class WorkflowResource extends APIResource {}
