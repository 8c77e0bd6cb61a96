import { accountStream } from './decider.js';

/**
 * The bank's own accounts (cash, fees and FX position of each currency) take
 * a leg of almost every deposit, fee and conversion. So that they do not
 * serialize the bank through one stream each, each is split into sub-streams:
 * sub-stream 0 is the account's stream (`account-<n>`), sub-stream k > 0 is
 * `account-<n>.<k>`. Each sub-stream is opened like an account and folds like
 * one (its balance is its own share); the account's balance is their sum, and
 * the read models and audits add them up. A money movement goes to the
 * sub-stream its transfer id picks, so a retry or the settlement process finds
 * the same one. Customer accounts and billers are never split.
 */

/** Numbers of the bank's cash (…0c), fee (…1c) and FX (…2c) accounts, c the currency index (commands/accounts/account-numbers.ts). */
const SPLIT_ACCOUNT = /^9000000000[0-2][1-3]$/;

/** Most sub-streams an account may have. */
export const MAX_SUB_STREAMS = 64;

export const isSplitAccount = (accountNumber: string): boolean => SPLIT_ACCOUNT.test(accountNumber);

/** Sub-stream `k` of an account (0 is the account's own stream). */
export const subStream = (accountNumber: string, k: number): string => (k === 0 ? accountStream(accountNumber) : `${accountStream(accountNumber)}.${k}`);

/**
 * The account an account stream or sub-stream belongs to: the stream without
 * its `account-` prefix and `.<k>` suffix. By hand rather than two regex
 * replaces: projections call it for most events they fold (a rebuild, a
 * million times per projection).
 */
export function accountOfStream(streamId: string): string {
  const name = streamId.startsWith('account-') ? streamId.slice('account-'.length) : streamId;
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return name;
  for (let i = dot + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return name;
  }
  return name.slice(0, dot);
}

/** Which of `count` sub-streams a key (a transfer id) goes to: FNV-1a of the key. */
export function subStreamIndex(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** The stream a movement of `key` (a transfer id) writes on an account: a sub-stream of a split account, else its stream. */
export const movementStream = (accountNumber: string, key: string, count: number): string =>
  isSplitAccount(accountNumber) ? subStream(accountNumber, subStreamIndex(key, count)) : accountStream(accountNumber);
