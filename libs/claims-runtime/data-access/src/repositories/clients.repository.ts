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
      periods: c.periods.map((p) => ({
        periodId: p.periodId,
        clientId: p.clientId,
        pbmName: p.pbmName,
        startDate: p.startDate,
        endDate: p.endDate,
      })),
    }));
  }

  /** The client's name and one of its contract periods, or undefined when either is unknown. */
  async period(
    clientId: string,
    periodId: string,
  ): Promise<
    | {
        clientName: string;
        pbmName: string;
        startDate: string;
        endDate: string;
      }
    | undefined
  > {
    const client = await this.ds.getRepository(ClientEntity).findOne({ where: { clientId }, relations: { periods: true } });
    const period = client?.periods.find((p) => p.periodId === periodId);
    return client && period
      ? {
          clientName: client.name,
          pbmName: period.pbmName,
          startDate: period.startDate,
          endDate: period.endDate,
        }
      : undefined;
  }

  async exists(clientId: string): Promise<boolean> {
    return this.ds.getRepository(ClientEntity).exists({ where: { clientId } });
  }
}
