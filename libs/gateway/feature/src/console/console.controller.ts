import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { roles } from '@leaf/contracts';
import { AppError, Public, ZodPipe } from '@leaf/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '../auth/dev-issuer';

export const CONSOLE_OPTIONS = Symbol('leaf.gateway.console-options');
export interface ConsoleOptions {
  /** The local sign-in exists only when LEAF_ENV=local and the dev issuer is trusted. */
  localSignIn: boolean;
  devIssuerDir: string;
}

const files = [
  ['index.html', 'text/html; charset=utf-8'],
  ['console.js', 'text/javascript; charset=utf-8'],
  ['console.css', 'text/css; charset=utf-8'],
] as const;
// Beside this file when run from source (npm start, specs); `console/` beside main.js in the built
// image (apps/gateway's build copies them there).
const assetsDir = [join(__dirname, 'assets'), join(__dirname, 'console')].find((dir) => files.every(([name]) => existsSync(join(dir, name))));
// Read once: the console is three static files, served from an allow-list (no path from the URL reaches the disk).
const assets: Record<string, { type: string; body: Buffer }> = assetsDir
  ? Object.fromEntries(files.map(([name, type]) => [name, { type, body: readFileSync(join(assetsDir, name)) }]))
  : {};

// The page loads nothing from elsewhere and may not be framed; the API is same-origin.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const signInSchema = z
  .object({
    subject: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.@-]+$/, { message: 'letters, digits and . _ @ - only' }),
    role: z.enum(roles),
    clients: z.union([z.literal('*'), z.array(z.string().min(1).max(64)).min(1).max(50)]),
  })
  .strict();

/**
 * The web console at /console: static HTML, CSS and an ES module that call the same /v1 API with
 * the same credentials, so it can do nothing the API does not allow. Behind Cloudflare Access the
 * browser's requests carry the Access assertion the gateway verifies; on a laptop (LEAF_ENV=local
 * with the dev issuer) a sign-in mints a dev token for the role and clients one picks. Not part of
 * the API description: it is a page, not an operation.
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_OPTIONS) private readonly options: ConsoleOptions) {}

  @Get()
  page(@Res() reply: FastifyReply): FastifyReply {
    return this.send(reply, 'index.html');
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): FastifyReply {
    if (!Object.hasOwn(assets, name) || name === 'index.html') throw new AppError('NOT_FOUND', 'no such console file');
    return this.send(reply, name);
  }

  /** Whether this gateway offers the local sign-in (the page asks before showing the form). */
  @Get('sign-in')
  signInMode() {
    return { localSignIn: this.options.localSignIn };
  }

  @Post('sign-in')
  @HttpCode(200)
  async signIn(@Body(new ZodPipe(signInSchema)) body: z.infer<typeof signInSchema>) {
    if (!this.options.localSignIn) throw new AppError('NOT_FOUND', 'sign-in exists only on a local stack (LEAF_ENV=local)');
    const token = await mintDevToken(loadOrCreateDevIssuerKeys(this.options.devIssuerDir), {
      subject: body.subject,
      roles: [body.role],
      clients: body.clients,
    });
    return { token, subject: body.subject, role: body.role, clients: body.clients };
  }

  private send(reply: FastifyReply, name: string): FastifyReply {
    const asset = assets[name];
    if (!asset) throw new AppError('NOT_FOUND', 'the console is not packaged with this build');
    return reply
      .status(200)
      .headers({ ...securityHeaders, 'content-type': asset.type })
      .send(asset.body);
  }
}
