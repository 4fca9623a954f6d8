import 'reflect-metadata';
import { laneWorkerService } from '@leaf/lane-worker/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(laneWorkerService);
