/** Stand-in for Wagmix Exchange: two routes, each needing one scope. */
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Scopes } from '../../../src/guard';

@Controller('v1')
export class ExchangeController {
  @Get('balances')
  @Scopes('exchange:account:read')
  balances(@CurrentPrincipal() caller: Principal): { account_id: string | null; balances: { asset: string; free: string }[] } {
    return { account_id: caller.accountId, balances: [{ asset: 'BTC', free: '0.5' }] };
  }

  @Post('orders')
  @HttpCode(201)
  @Scopes('exchange:orders:write')
  placeOrder(@CurrentPrincipal() caller: Principal, @Body() body: unknown): { account_id: string | null; accepted: boolean; order: unknown } {
    return { account_id: caller.accountId, accepted: true, order: body ?? null };
  }
}
