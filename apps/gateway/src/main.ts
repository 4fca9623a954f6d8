import 'reflect-metadata';
import { gatewayService } from '@leaf/gateway/feature';
import { runService } from '@leaf/platform';

// One container, one service: the same definition the local stack starts in-process.
void runService(gatewayService);
