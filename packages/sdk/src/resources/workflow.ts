import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';

/** Status of the workflow definition a call applies to (`status`). */
export const WorkflowDefinitionStatus = { Draft: 0, Pending: 1, Released: 2, Revoked: 3 } as const;
export type WorkflowDefinitionStatus = (typeof WorkflowDefinitionStatus)[keyof typeof WorkflowDefinitionStatus];

/** Query of {@link WorkflowResource.startTest} (`GET /api/Workflow/StartTest`). */
export interface WorkflowStartTestParams {
  serialNumber: string;
  partNumber: string;
  operatorName?: string;
  stationName?: string;
  /** The workflow definition the unit was initialised with. @default 2 (Released) on the server */
  status?: WorkflowDefinitionStatus;
}

/** Query of {@link WorkflowResource.endTest} (`GET /api/Workflow/EndTest`). */
export interface WorkflowEndTestParams extends WorkflowStartTestParams {
  /** The test's outcome. @default true on the server */
  passed?: boolean;
}

/**
 * Both operations answer a JSON boolean (their spec says `object`, a placeholder of the
 * generator). A string `"true"` is read the same way.
 */
function toBoolean(data: unknown, op: string): boolean {
  if (typeof data === 'boolean') return data;
  if (data === 'true' || data === 'false') return data === 'true';
  throw new WatsError(`${op} did not return true or false`, { code: 'WATS_ERR_RESPONSE' });
}

/**
 * Workflow (WATS MES): start and end the Test activity of a unit whose workflow was
 * initialised. Both answer `false` when the unit's current activity is not Test.
 */
export class WorkflowResource extends APIResource {
  /**
   * Starts the unit's test activity; `true` when it started.
   * @operation GET /api/Workflow/StartTest
   */
  async startTest(params: WorkflowStartTestParams, options?: RequestOptions): Promise<boolean> {
    const res = await this.client.request<unknown>(
      {
        method: 'GET',
        path: '/api/Workflow/StartTest',
        query: {
          serialNumber: params.serialNumber,
          partNumber: params.partNumber,
          operatorName: params.operatorName,
          stationName: params.stationName,
          status: params.status,
        },
      },
      options,
    );
    return toBoolean(res.data, 'GET /api/Workflow/StartTest');
  }

  /**
   * Ends the unit's test activity with its outcome; `true` when it ended.
   * @operation GET /api/Workflow/EndTest
   */
  async endTest(params: WorkflowEndTestParams, options?: RequestOptions): Promise<boolean> {
    const res = await this.client.request<unknown>(
      {
        method: 'GET',
        path: '/api/Workflow/EndTest',
        query: {
          serialNumber: params.serialNumber,
          partNumber: params.partNumber,
          passed: params.passed,
          operatorName: params.operatorName,
          stationName: params.stationName,
          status: params.status,
        },
      },
      options,
    );
    return toBoolean(res.data, 'GET /api/Workflow/EndTest');
  }
}
