import { z } from 'zod';

/** What a failover trial does to the node announcing a VIP; the scenario asks for them, results record them. */
export const FaultKind = z.enum(['crash', 'freeze', 'partition', 'graceful']);
export type FaultKind = z.infer<typeof FaultKind>;
