import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import {
  createAccount,
  createUser,
  deleteAccount,
  getAccount,
  getUser,
  listAccounts,
  reconnectAccount,
  syncAccountNow,
  type AccountDeps,
} from '../../services/manage-accounts';
import { accountView, userView } from '../views/account-view';
import { pageView } from '../views/page-view';
import { createAccountBody, createUserBody, listAccountsQuery } from '../schemas/accounts';
import { cursorParam, uuidParam, validate } from '../validate';

/** Users, their provider accounts, and the syncs that emit SyncAccount / SyncError hooks (the SyncAccount/SyncError contract). */
export function accountsRoutes(deps: AccountDeps) {
  const router = apiRouter<DefaultState>();

  router.post('/users', async (ctx) => {
    const body = validate(createUserBody, ctx.request.body, 'body');
    ctx.status = 201;
    ctx.body = userView(await createUser(deps, ctx.state.tenant, body.login_name));
  });

  router.get('/users/:id', async (ctx) => {
    ctx.body = userView(await getUser(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  router.post('/accounts', async (ctx) => {
    const body = validate(createAccountBody, ctx.request.body, 'body');
    const account = await createAccount(deps, ctx.state.tenant, {
      userId: body.user_id,
      provider: body.provider,
      demoOutcomes: body.demo?.outcomes,
    });
    ctx.status = 201;
    ctx.set('Location', `/v1/accounts/${account.id}`);
    ctx.body = accountView(account);
  });

  router.get('/accounts', async (ctx) => {
    const q = validate(listAccountsQuery, ctx.query, 'query');
    const rows = await listAccounts(deps, ctx.state.tenant, { userId: q.user_id, limit: q.limit, after: cursorParam(q.cursor) });
    ctx.body = pageView(rows, q.limit, accountView);
  });

  router.get('/accounts/:id', async (ctx) => {
    ctx.body = accountView(await getAccount(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  router.delete('/accounts/:id', async (ctx) => {
    await deleteAccount(deps, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 204;
  });

  router.post('/accounts/:id/sync', async (ctx) => {
    const sync = await syncAccountNow(deps, ctx.state.tenant, uuidParam(ctx.params.id));
    ctx.status = 202;
    ctx.body = { workflow_id: sync.workflowId, already_running: sync.alreadyRunning };
  });

  router.post('/accounts/:id/reconnect', async (ctx) => {
    ctx.body = accountView(await reconnectAccount(deps, ctx.state.tenant, uuidParam(ctx.params.id)));
  });

  return router;
}
