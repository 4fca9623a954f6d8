import 'reflect-metadata';
import { agentDispatcherService } from '@leaf/agent-dispatcher/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(agentDispatcherService);
