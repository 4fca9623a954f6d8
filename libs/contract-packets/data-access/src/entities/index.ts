import { ContractPacketEntity } from './contract-packet.entity';
import { ContractPacketTermEntity } from './contract-packet-term.entity';
import { ContractPacketVersionEntity } from './contract-packet-version.entity';
import { PacketSourceStateEntity } from './packet-source-state.entity';

export { ContractPacketEntity, ContractPacketTermEntity, ContractPacketVersionEntity, PacketSourceStateEntity };
export const contractPacketsEntities = [ContractPacketEntity, ContractPacketVersionEntity, ContractPacketTermEntity, PacketSourceStateEntity];
