import type { ClientList } from '@leaf/contracts';
import type { DataSource } from 'typeorm';
import { ClientEntity } from '../entities/client.entity';

export class ClientsRepository {
  constructor(private readonly ds: DataSource) {}

  async list(): Promise<ClientList['items']> {
    const clients = await this.ds.getRepository(ClientEntity).find({
      relations: { periods: true },
      order: { clientId: 'ASC', periods: { startDate: 'ASC' } },
    });
    return clients.map((c) => ({
      clientId: c.clientId,
      name: c.name,
      segment: c.segment as ClientList['items'][number]['segment'],
      memberCount: c.memberCount,
      periods: c.periods.map((p) => ({ periodId: p.periodId, clientId: p.clientId, pbmName: p.pbmName, startDate: p.startDate, endDate: p.endDate })),
    }));
  }

  async exists(clientId: string): Promise<boolean> {
    return this.ds.getRepository(ClientEntity).exists({ where: { clientId } });
  }
}
