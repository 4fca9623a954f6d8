import { outboxMigrations } from '@leaf/messaging';
import { postgresMigrations } from '@leaf/persistence';
import {
  contractPacketsEntities,
  contractPacketsMigrations,
  FolderPacketSource,
  GraphPacketSource,
  PACKET_SOURCE,
  type PacketSource,
} from '@leaf/contract-packets/data-access';
import { defineService } from '@leaf/service-kit';
import { contractPacketsConfigSchema, type ContractPacketsConfig } from './config/contract-packets.config';
import { PacketsController } from './packets/packets.controller';
import { PacketSyncService, SYNC_ON_START } from './sync/packet-sync.service';

function packetSource(config: ContractPacketsConfig): PacketSource {
  if (config.LEAF_PACKETS_SOURCE === 'folder') return new FolderPacketSource(config.LEAF_PACKETS_DIR);
  // The config schema guarantees these are present when the source is graph.
  return new GraphPacketSource({
    tenantId: config.LEAF_GRAPH_TENANT_ID ?? '',
    clientId: config.LEAF_GRAPH_CLIENT_ID ?? '',
    clientSecret: config.LEAF_GRAPH_CLIENT_SECRET ?? '',
    driveId: config.LEAF_GRAPH_DRIVE_ID ?? '',
    folder: config.LEAF_GRAPH_PACKETS_FOLDER,
    graphBaseUrl: config.LEAF_GRAPH_BASE_URL,
    authorityHost: config.LEAF_GRAPH_AUTHORITY_HOST,
  });
}

/**
 * contract-packets: read-only OneDrive/Graph (or local folder) contract packets, hashed, stored in
 * the lake, extracted into terms with locators, validated, and promoted into contract_guarantees
 * with evidence, announced through the outbox.
 */
export const contractPacketsService = defineService<ContractPacketsConfig>(
  'contract-packets',
  (config) => ({
    entities: contractPacketsEntities,
    controllers: [PacketsController],
    providers: [
      { provide: PACKET_SOURCE, useValue: packetSource(config) },
      { provide: SYNC_ON_START, useValue: config.LEAF_PACKETS_SYNC_ON_START },
      PacketSyncService,
    ],
  }),
  {
    // contract-packets is the one writer of contract_guarantees (reference schema), announces
    // promotions through the outbox, and owns the packet registry.
    migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...contractPacketsMigrations.postgres],
    configSchema: contractPacketsConfigSchema,
  },
);
