import 'reflect-metadata';
import { domoTakeoverService } from '@leaf/domo-takeover/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(domoTakeoverService);
