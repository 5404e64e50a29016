import type { ReviewSource } from './api';

const LABEL: Record<ReviewSource, string> = { api: 'API', github: 'GitHub', spacelift: 'Spacelift' };

/** A small icon and the source's name (the name is text, so screen readers and narrow screens keep it). */
export const SourceIcon = ({ source }: { source: ReviewSource | string }) => {
  const known = (source === 'api' || source === 'github' || source === 'spacelift') ? source : undefined;
  return (
    <span class={`source source-${known ?? 'other'}`}>
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        {known === 'github' ? (
          // a pull request: two commits and a merge arrow
          <path d="M4 2.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm0 8a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zM3.25 5.5h1.5v5h-1.5zM12 10.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm-.75-5h1.5v5h-1.5zM8 2l2.5 2L8 6V4.75H7V3.25h1z" fill="currentColor" />
        ) : known === 'spacelift' ? (
          // a rocket
          <path d="M9.5 1.5c2.5 0 5 .5 5 .5s.5 2.5.5 5c0 2-2 4-4 5l-.5 2.5-2-2-2.5-2.5-2-2L6.5 5c1-2 1-3.5 3-3.5zM11 4a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM4 10.5l1.5 1.5-3 2.5z" fill="currentColor" />
        ) : (
          // braces: a request to the API
          <path d="M5.5 2C4 2 3.5 3 3.5 4v2c0 .8-.5 1.2-1.5 1.5v1c1 .3 1.5.7 1.5 1.5v2c0 1 .5 2 2 2h.5v-1.3h-.4c-.5 0-.7-.3-.7-.9V9.5c0-.8-.4-1.3-1.1-1.5.7-.2 1.1-.7 1.1-1.5V4.2c0-.6.2-.9.7-.9H6V2zm5 0H10v1.3h.4c.5 0 .7.3.7.9v2.3c0 .8.4 1.3 1.1 1.5-.7.2-1.1.7-1.1 1.5v2.3c0 .6-.2.9-.7.9H10V14h.5c1.5 0 2-1 2-2v-2c0-.8.5-1.2 1.5-1.5v-1c-1-.3-1.5-.7-1.5-1.5V4c0-1-.5-2-2-2z" fill="currentColor" />
        )}
      </svg>
      <span>{known ? LABEL[known] : source}</span>
    </span>
  );
};
