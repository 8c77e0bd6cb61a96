import type { Currency } from '../money/currency.js';
import { DomainError } from '../shared/domain-error.js';
import type { AmountRule } from './amount-rule.js';

export const BILLER_CATEGORIES = ['Electricity', 'Water', 'Internet', 'Telecom', 'Other'] as const;
export type BillerCategory = (typeof BILLER_CATEGORIES)[number];

/** How a customer's reference at the biller (meter, subscription, phone number) must look. */
export interface ReferenceFormat {
  pattern: RegExp;
  description: string;
}

export interface Biller {
  id: string;
  name: string;
  category: BillerCategory;
  description: string;
  currency: Currency;
  /** The bank-owned `Biller` account that collects the payments (starts with 9, never a customer's). */
  account_number: string;
  amount_rule: AmountRule;
  reference: ReferenceFormat;
}

/**
 * The billers of the reference bank (its seeding command): fixed bills of
 * 25, 12, 30 and 15 JOD. Amounts are JOD fils. Their collecting accounts are
 * 9000000001xx, apart from the bank's cash (90000000000x) and fee (90000000001x) accounts.
 */
export const BILLERS: readonly Biller[] = [
  {
    id: 'electricity-co',
    name: 'Electricity Co',
    category: 'Electricity',
    description: 'Monthly electricity bill',
    currency: 'JOD',
    account_number: '900000000101',
    amount_rule: { kind: 'fixed', amount: 25_000n },
    reference: { pattern: /^[0-9]{8,12}$/, description: 'meter number: 8 to 12 digits' },
  },
  {
    id: 'water-authority',
    name: 'Water Authority',
    category: 'Water',
    description: 'Quarterly water bill',
    currency: 'JOD',
    account_number: '900000000102',
    amount_rule: { kind: 'fixed', amount: 12_000n },
    reference: { pattern: /^[0-9]{6,10}$/, description: 'subscription number: 6 to 10 digits' },
  },
  {
    id: 'fast-internet',
    name: 'Fast Internet',
    category: 'Internet',
    description: 'Monthly internet subscription',
    currency: 'JOD',
    account_number: '900000000103',
    amount_rule: { kind: 'fixed', amount: 30_000n },
    reference: { pattern: /^[A-Z0-9]{6,20}$/, description: 'customer id: 6 to 20 capital letters or digits' },
  },
  {
    id: 'mobile-provider',
    name: 'Mobile Provider',
    category: 'Telecom',
    description: 'Mobile line bill',
    currency: 'JOD',
    account_number: '900000000104',
    amount_rule: { kind: 'fixed', amount: 15_000n },
    reference: { pattern: /^07[789][0-9]{7}$/, description: 'Jordanian mobile number: 07 then 8 digits, e.g. 0791234567' },
  },
];

/** Billers ordered by name, as listed to customers. */
export function billersByName(billers: readonly Biller[] = BILLERS): Biller[] {
  return [...billers].sort((a, b) => a.name.localeCompare(b.name));
}

export function findBiller(id: string, billers: readonly Biller[] = BILLERS): Biller | undefined {
  return billers.find((b) => b.id === id);
}

/** The biller named by a request; an unknown id is a bad request (400), like any invalid field. */
export function billerOrThrow(id: string, billers: readonly Biller[] = BILLERS): Biller {
  const biller = findBiller(id, billers);
  if (!biller) throw new DomainError('unknown_biller', `There is no biller "${id}".`, 400, { field: 'biller_id' });
  return biller;
}

/** The customer's reference at the biller, checked against the biller's format. */
export function validReference(biller: Biller, reference: string): string {
  if (!biller.reference.pattern.test(reference)) {
    throw new DomainError('invalid_reference', `reference must be the ${biller.name} ${biller.reference.description}.`, 400, { field: 'reference' });
  }
  return reference;
}
