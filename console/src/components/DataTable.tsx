import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../api/client.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

export interface Column<T> {
  /** Header text; also the label of the cell on a narrow screen. */
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Right-aligned (amounts). */
  numeric?: boolean;
}

/**
 * A list as a table: caption, header row, one row per item. Below 640 px each row
 * becomes a card of label/value pairs, so nothing scrolls sideways at 390 px.
 */
export function DataTable<T>(props: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  error?: Problem | null;
  empty?: string;
  testId?: string;
}) {
  const { columns, rows } = props;
  return (
    <div class="table-wrap" data-testid={props.testId}>
      <ProblemAlert problem={props.error} />
      <table aria-busy={props.loading ? 'true' : 'false'}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.numeric ? 'num' : undefined}>{c.header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {columns.map((c) => (
                <td data-label={c.header} class={c.numeric ? 'num' : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
          {!props.loading && rows.length === 0 ? (
            <tr class="empty">
              <td colSpan={columns.length}>{props.empty ?? 'Nothing found.'}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {props.loading ? <p class="loading" role="status">Loading…</p> : null}
    </div>
  );
}

/** Previous / next for a cursor-paged list (usePagedList). */
export function Pager(props: { page: number; hasPrevious: boolean; hasNext: boolean; previous: () => void; next: () => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={props.previous} disabled={!props.hasPrevious}>← Previous</button>
      <span aria-live="polite">Page {props.page}</span>
      <button type="button" onClick={props.next} disabled={!props.hasNext}>Next →</button>
    </nav>
  );
}

export interface FilterField {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'datetime-local' | 'select' | 'search';
  options?: { value: string; label: string }[];
  placeholder?: string;
}

/**
 * The filters of a list as a form: the values live in the URL's query (so a
 * filtered list can be linked to, and Back restores it); submitting applies them.
 */
export function FilterBar(props: { fields: FilterField[]; values: Record<string, string>; onApply: (values: Record<string, string>) => void; label?: string }) {
  const [draft, setDraft] = useState<Record<string, string>>(props.values);
  const applied = JSON.stringify(props.values);
  useEffect(() => setDraft(props.values), [applied]);
  const set = (name: string, value: string) => setDraft((d) => ({ ...d, [name]: value }));
  return (
    <form
      class="filters"
      role="search"
      aria-label={props.label ?? 'Filters'}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(Object.fromEntries(props.fields.map((f) => [f.name, (draft[f.name] ?? '').trim()])));
      }}
    >
      {props.fields.map((f) => (
        <label>
          <span>{f.label}</span>
          {f.type === 'select' ? (
            <select name={f.name} value={draft[f.name] ?? ''} onChange={(e) => set(f.name, e.currentTarget.value)}>
              <option value="">Any</option>
              {(f.options ?? []).map((o) => <option value={o.value}>{o.label}</option>)}
            </select>
          ) : (
            <input name={f.name} type={(f.type ?? 'text') as 'text'} value={draft[f.name] ?? ''} placeholder={f.placeholder} onInput={(e) => set(f.name, e.currentTarget.value)} />
          )}
        </label>
      ))}
      <button type="submit" class="primary">Apply</button>
    </form>
  );
}
