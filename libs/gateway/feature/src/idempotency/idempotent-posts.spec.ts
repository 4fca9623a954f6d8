import {
  Controller,
  Get,
  Injectable,
  Post,
  RequestMethod,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { loadServiceConfig } from '@leaf/platform';
import { gatewayService } from '../gateway.service';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { withIdempotentPosts } from './idempotent-posts';

@Injectable()
class AuditInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }

  @Post()
  @UseInterceptors(AuditInterceptor)
  create() {
    return {};
  }
}

const interceptorsOf = (handler: unknown): unknown[] => Reflect.getMetadata(INTERCEPTORS_METADATA, handler as object) ?? [];

/** Every route handler of the controllers, with its HTTP method. */
function routesOf(controllers: Type[]): Array<{ route: string; method: RequestMethod; handler: unknown }> {
  const scanner = new MetadataScanner();
  return controllers.flatMap((controller) =>
    scanner
      .getAllMethodNames(controller.prototype)
      .map((name) => ({ route: `${controller.name}.${name}`, handler: controller.prototype[name] as unknown }))
      .filter(({ handler }) => Reflect.getMetadata(METHOD_METADATA, handler as object) !== undefined)
      .map((r) => ({ ...r, method: Reflect.getMetadata(METHOD_METADATA, r.handler as object) as RequestMethod })),
  );
}

describe('Idempotency-Key on POST routes only', () => {
  it("puts the interceptor first on each POST handler, ahead of the handler's own, on no GET, and only once however often it runs", () => {
    for (let i = 0; i < 2; i++) withIdempotentPosts({ controllers: [ThingsController] });
    expect(interceptorsOf(ThingsController.prototype.create)).toEqual([IdempotencyInterceptor, AuditInterceptor]);
    expect(interceptorsOf(ThingsController.prototype.list)).toEqual([]);
  });

  it("binds it to every POST of the gateway's controllers and to none of its reads", () => {
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      LEAF_LAKE_URL: 'file:/nonexistent-lake',
    });
    const controllers = (gatewayService.rootModule(config).controllers ?? []) as Type[];
    const routes = routesOf(controllers);
    const posts = routes.filter((r) => r.method === RequestMethod.POST);
    expect(posts.length).toBeGreaterThan(5);
    for (const { route, handler } of posts) expect([route, interceptorsOf(handler)[0]]).toEqual([route, IdempotencyInterceptor]);
    const others = routes.filter((r) => r.method !== RequestMethod.POST);
    expect(others.length).toBeGreaterThan(10);
    for (const { route, handler } of others) expect([route, interceptorsOf(handler).includes(IdempotencyInterceptor)]).toEqual([route, false]);
  });
});
