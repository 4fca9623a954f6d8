import 'reflect-metadata';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(claimsRuntimeService);
