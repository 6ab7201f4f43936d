import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** A page that fails to render shows what went wrong; the header and navigation keep working. */
export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('[crux] page failed to render:', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="card" role="alert">
        <h1>This page could not be shown</h1>
        <p className="error">{this.state.error.message}</p>
        <p>Try another page, or reload.</p>
      </div>
    );
  }
}
