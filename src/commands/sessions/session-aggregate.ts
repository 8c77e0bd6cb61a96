import { sessionDecider } from '../../domain/sessions/decider.js';

export const sessionAggregate = { decider: sessionDecider, snapshotVersion: 1 };
