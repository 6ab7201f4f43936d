import { accountExportSchema } from '../account.ts';
import { noContent, ok, type RouteContract } from './contract.ts';

/** The `account` operations. */
// Last: a run over every route (the fuzz test) deletes its account only at the end.
export const ACCOUNT_ROUTES = [
  {
    id: 'exportAccount',
    method: 'get',
    path: '/v1/account/export',
    tag: 'account',
    summary: "All of the caller's data as JSON",
    auth: true,
    success: ok(accountExportSchema),
  },
  {
    id: 'deleteAccount',
    method: 'delete',
    path: '/v1/account',
    tag: 'account',
    summary: 'Delete the account: personal data deleted, ledger rows kept without the person, tokens refused',
    auth: true,
    success: noContent,
  },
] as const satisfies readonly RouteContract[];
