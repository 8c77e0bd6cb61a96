import type { ComponentChildren } from 'preact';
import { BASE, navigate } from '../router.ts';

/** An in-app link: a real <a href> (open in a new tab works), followed without a page load. */
export function Link(props: { to: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' | undefined }) {
  const { to, children, ...rest } = props;
  return (
    <a
      href={`${BASE}${to}`}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
