import { LEAD_STAGES, type LeadStage } from '../../models/records.js';
import { AMO_LOST_STATUS_ID, AMO_WON_STATUS_ID } from './client.js';
import type { AmoPipeline } from './schemas.js';

/** Our stages and the statuses of one amoCRM pipeline, both ways. */
export interface StatusMap {
  pipelineId: number;
  /** The status a deal moves to when our lead reaches `stage`; undefined: the deal stays where it is. */
  statusOf(stage: LeadStage): number | undefined;
  /**
   * The stage a deal's status means for a lead now at `current`: undefined when the status maps to no stage
   * or already to `current` (nothing to move). Several stages may share a status: the first of them counts.
   */
  stageOf(statusId: number, current: LeadStage): LeadStage | undefined;
}

/**
 * Resolves `amocrm.statuses` of the sales configuration (ids, or names as amoCRM shows them) against the
 * pipeline (`AMOCRM_PIPELINE_ID`, else the account's main one). `won` and `lost` go to amoCRM's own 142 and 143
 * unless mapped. Entries that match no status of the pipeline are left out and reported in `problems`.
 */
export function resolveStatusMap(
  configured: Partial<Record<LeadStage, number | string>>,
  pipelines: readonly AmoPipeline[],
  pipelineId: number | undefined,
): { map: StatusMap; problems: string[] } {
  const pipeline =
    pipelineId === undefined
      ? (pipelines.find((p) => p.is_main) ?? pipelines[0])
      : pipelines.find((p) => p.id === pipelineId);
  if (!pipeline) {
    throw new Error(
      pipelineId === undefined
        ? 'amoCRM has no pipelines'
        : `AMOCRM_PIPELINE_ID ${pipelineId} is not a pipeline of this amoCRM account`,
    );
  }
  const statuses = pipeline._embedded.statuses;
  const problems: string[] = [];
  const byStage = new Map<LeadStage, number>([
    ['won', AMO_WON_STATUS_ID],
    ['lost', AMO_LOST_STATUS_ID],
  ]);
  for (const stage of LEAD_STAGES) {
    const wanted = configured[stage];
    if (wanted === undefined) continue;
    const status =
      typeof wanted === 'number'
        ? statuses.find((s) => s.id === wanted)
        : statuses.find((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
    if (status) byStage.set(stage, status.id);
    else {
      byStage.delete(stage);
      problems.push(
        `amocrm.statuses.${stage}: no status ${JSON.stringify(wanted)} in the pipeline «${pipeline.name}»`,
      );
    }
  }
  return {
    problems,
    map: {
      pipelineId: pipeline.id,
      statusOf: (stage) => byStage.get(stage),
      stageOf(statusId, current) {
        if (byStage.get(current) === statusId) return undefined;
        return LEAD_STAGES.find((stage) => byStage.get(stage) === statusId);
      },
    },
  };
}
