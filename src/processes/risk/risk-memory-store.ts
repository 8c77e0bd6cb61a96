import { emptyMemory, type RiskMemory } from '../../domain/risk/memory.js';
import type { Db } from '../../infra/db.js';
import { pgColumns } from '../../infra/pg-array.js';

type Part = keyof RiskMemory;
const PARTS = Object.keys(emptyMemory()) as Part[];

/** An entry's place in the memory: its part and key, as one map key. */
const slot = (part: Part, key: string) => `${part}\u0000${key}`;

/**
 * What changes whenever the rules change an entry: a list's identity, length
 * and first and last items (the rules append, drop the oldest, or replace the
 * list), anything else itself (a number, or an object the rules replace).
 */
const signature = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? [value, value.length, value[0], value[value.length - 1]] : [value];
const sameSignature = (a: readonly unknown[] | undefined, b: readonly unknown[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The risk process's memory and checkpoint in cmd.risk_memory_entries, one row
 * per entry (a user's recent transfers, an email's failed sign-ins, ...). A
 * save writes the entries whose JSON changed since the last save or load and
 * deletes those gone, with the checkpoint, in one statement (both or neither):
 * what it writes grows with what happened since, not with how much the memory
 * holds. A memory still kept whole in cmd.risk_memory (before migration 0002)
 * is read once and moved over by the first save.
 */
export class RiskMemoryStore {
  /** What each entry was when last saved or loaded (its JSON), and its signature then. */
  private saved = new Map<string, string>();
  private signatures = new Map<string, readonly unknown[]>();
  /** True while the old whole document still exists and must go with the next save. */
  private legacy = false;

  constructor(
    private readonly db: Db,
    private readonly name: string,
  ) {}

  async load(): Promise<{ position: bigint; memory: RiskMemory }> {
    const [checkpoint] = await this.db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = $1`, [this.name]);
    const rows = await this.db.query<{ part: string; key: string; value: unknown }>(
      `select part, key, value from cmd.risk_memory_entries where name = $1`,
      [this.name],
    );
    const [old] = await this.db.query<{ memory: RiskMemory }>(`select memory from cmd.risk_memory where name = $1`, [this.name]);
    this.legacy = old !== undefined;
    const stored = emptyMemory();
    for (const row of rows) if ((PARTS as string[]).includes(row.part)) (stored[row.part as Part] as Record<string, unknown>)[row.key] = row.value;
    // What is stored now, so that the next save writes the difference (and deletes what a fresh start drops).
    this.remember(stored);
    // Without a checkpoint the process starts from the beginning of the log, with nothing remembered.
    if (!checkpoint) return { position: 0n, memory: emptyMemory() };
    if (old && rows.length === 0) {
      const memory = emptyMemory();
      for (const part of PARTS) Object.assign(memory[part], old.memory[part] ?? {});
      return { position: BigInt(checkpoint.position), memory };
    }
    return { position: BigInt(checkpoint.position), memory: stored };
  }

  /**
   * Writes what changed in `memory` since the last save or load, and the
   * checkpoint `position`. An entry whose signature is unchanged is not even
   * serialized, so the cost follows the changes, not the memory's size.
   */
  async save(position: bigint, memory: RiskMemory): Promise<{ written: number; deleted: number }> {
    const saved = new Map<string, string>();
    const signatures = new Map<string, readonly unknown[]>();
    const upserts: Array<[Part, string, string]> = [];
    for (const part of PARTS) {
      for (const [key, value] of Object.entries(memory[part])) {
        const at = slot(part, key);
        const sig = signature(value);
        const before = this.saved.get(at);
        const json = before !== undefined && sameSignature(this.signatures.get(at), sig) ? before : JSON.stringify(value);
        if (json !== before) upserts.push([part, key, json]);
        saved.set(at, json);
        signatures.set(at, sig);
      }
    }
    const deletes: Array<[string, string]> = [];
    for (const at of this.saved.keys()) if (!saved.has(at)) deletes.push(at.split('\u0000') as [string, string]);
    await this.db.query(
      `with up as (
         insert into cmd.risk_memory_entries (name, part, key, value)
         select $1, u.part, u.key, u.value::jsonb from unnest($3::text[], $4::text[], $5::text[]) as u(part, key, value)
         on conflict (name, part, key) do update set value = excluded.value
       ), gone as (
         delete from cmd.risk_memory_entries e using unnest($6::text[], $7::text[]) as d(part, key)
          where e.name = $1 and e.part = d.part and e.key = d.key
       ), old as (
         delete from cmd.risk_memory where name = $1 and $8::boolean
       )
       insert into cmd.process_checkpoints (name, position) values ($1, $2::bigint)
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [
        this.name,
        position.toString(),
        ...pgColumns(upserts, [0, 1, 2]),
        ...pgColumns(deletes, [0, 1]),
        this.legacy,
      ],
    );
    this.saved = saved;
    this.signatures = signatures;
    this.legacy = false;
    return { written: upserts.length, deleted: deletes.length };
  }

  /** Takes `memory` as what is stored: each entry's JSON and signature (a memory sharing none of its lists only matches by JSON). */
  private remember(memory: RiskMemory): void {
    this.saved = new Map();
    this.signatures = new Map();
    for (const part of PARTS) {
      for (const [key, value] of Object.entries(memory[part])) {
        this.saved.set(slot(part, key), JSON.stringify(value));
        this.signatures.set(slot(part, key), signature(value));
      }
    }
  }
}
