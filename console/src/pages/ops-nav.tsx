import { Link } from '../components/Link.tsx';
import { useLocation } from '../router.ts';
import './ops.css';

/** The tabs of a section (Risk, Audit): links, the current one marked for assistive technology. */
export function SubNav(props: { label: string; items: { to: string; title: string }[] }) {
  const { path } = useLocation();
  const current = (to: string) => path === to || (to !== props.items[0]?.to && path.startsWith(`${to}/`));
  return (
    <nav class="subnav" aria-label={props.label}>
      <ul>
        {props.items.map((i) => (
          <li><Link to={i.to} aria-current={current(i.to) ? 'page' : undefined}>{i.title}</Link></li>
        ))}
      </ul>
    </nav>
  );
}

/** A date-time for people (the ISO instant in the title). */
export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <>—</>;
  return <time dateTime={at} title={at}>{new Date(at).toLocaleString()}</time>;
}

/** Non-empty values of a filter form, for a query. */
export const given = (values: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])));
