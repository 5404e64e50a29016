export type Route = { view: 'reviews'; query: URLSearchParams } | { view: 'review'; id: string } | { view: 'trends' };

const REVIEW_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const safeDecode = (v: string): string | undefined => {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
};

/** Hash routes (#/, #/reviews/<id>, #/trends): any static host serves them without rewrites, and no secret is ever in them. */
export const parseRoute = (hash: string): Route => {
  const h = hash.replace(/^#/, '');
  const [path = '', query = ''] = h.split('?', 2);
  // Review ids as the API accepts them (GitHub reviews look like github:owner:repo:12).
  const review = /^\/reviews\/([^/?#]{1,400})$/.exec(path);
  const id = review?.[1] ? safeDecode(review[1]) : undefined;
  if (id && REVIEW_ID.test(id)) return { view: 'review', id };
  if (path === '/trends') return { view: 'trends' };
  return { view: 'reviews', query: new URLSearchParams(query) };
};
