/** The little of a SQL connection the event store needs; pg.Pool and PGlite both fit. */
export interface SqlRows<R> {
  rows: R[];
}

export interface SqlSession {
  /** `name` asks a driver that can to prepare the statement once per connection. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<SqlRows<R>>;
}

export interface SqlExecutor extends SqlSession {
  /** Runs `work` on one connection held for its duration. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** A PostgreSQL error's SQLSTATE, whichever driver raised it. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function sqlDetail(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'detail' in error) {
    const detail = (error as { detail: unknown }).detail;
    return typeof detail === 'string' ? detail : undefined;
  }
  return undefined;
}

export function sqlConstraint(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'constraint' in error) {
    const c = (error as { constraint: unknown }).constraint;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}
