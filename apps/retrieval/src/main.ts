import 'reflect-metadata';
import { retrievalService } from '@leaf/retrieval/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(retrievalService);
