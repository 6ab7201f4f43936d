import { type ReactNode, useEffect } from 'react';

/** The page's heading, mirrored in the document title for tabs and screen readers. */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Crux`;
  }, [title]);
  return (
    <div className="page-title">
      <h1>{title}</h1>
      {children}
    </div>
  );
}
