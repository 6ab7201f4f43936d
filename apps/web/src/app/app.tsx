import { lazy } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { AuthPage } from '../auth/auth-page.tsx';
import { RequireAuth } from '../auth/require-auth.tsx';
import { LogbookPage } from '../logbook/logbook-page.tsx';
import { SetupPage } from '../onboarding/setup-page.tsx';
import { SettingsPage } from '../settings/settings-page.tsx';
import { Layout } from './layout.tsx';
import { PageTitle } from './page-title.tsx';

// Charts and the markdown renderer load with the pages that use them.
const CoachPage = lazy(() => import('../coach/coach-page.tsx'));
const ChatPage = lazy(() => import('../chat/chat-page.tsx'));
const UsagePage = lazy(() => import('../usage/usage-page.tsx'));

function NotFound() {
  return (
    <section>
      <PageTitle title="Page not found" />
      <p>
        Nothing here. <Link to="/logbook">Back to the logbook</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/sign-in" element={<AuthPage mode="sign-in" />} />
        <Route path="/sign-up" element={<AuthPage mode="sign-up" />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/logbook" replace />} />
          <Route path="/setup" element={<SetupPage />} />
          <Route path="/logbook" element={<LogbookPage />} />
          <Route path="/coach" element={<CoachPage />} />
          <Route path="/chat" element={<ChatPage />} />
          <Route path="/usage" element={<UsagePage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
