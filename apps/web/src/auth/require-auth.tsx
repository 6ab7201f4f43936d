import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session.ts';

/** Renders its children for a signed-in user; anyone else goes to sign-in and comes back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (!current) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return children;
}
