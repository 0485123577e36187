import type { Output } from '../../../../shared/ipc/contract.ts';

/** An activity log entry as `log.list` answers it. */
export type ActivityEntry = Output<'log.list'>[number];
/** What `log.verify` answers. */
export type ChainVerdict = Output<'log.verify'>;
