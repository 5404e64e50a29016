export type Route = { view: 'reviews'; query: URLSearchParams } | { view: 'review'; id: string } | { view: 'trends' };

/** Hash routes (#/, #/reviews/<id>, #/trends): any static host serves them without rewrites, and no secret is ever in them. */
export const parseRoute = (hash: string): Route => {
  const h = hash.replace(/^#/, '');
  const [path = '', query = ''] = h.split('?', 2);
  const review = /^\/reviews\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (review?.[1]) return { view: 'review', id: review[1] };
  if (path === '/trends') return { view: 'trends' };
  return { view: 'reviews', query: new URLSearchParams(query) };
};
