/**
 * Parses the X-Ray trace header that Lambda puts in `_X_AMZN_TRACE_ID` for each invocation,
 * e.g. `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`.
 */
export interface TraceHeader {
  traceId?: string;
  parentId?: string;
  sampled?: boolean;
}

export const parseTraceHeader = (header: string | undefined): TraceHeader => {
  if (!header) return {};
  const out: TraceHeader = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key === 'Root' && /^1-[0-9a-f]{8}-[0-9a-f]{24}$/i.test(val)) out.traceId = val;
    else if (key === 'Parent' && /^[0-9a-f]{16}$/i.test(val)) out.parentId = val;
    else if (key === 'Sampled') out.sampled = val === '1';
  }
  return out;
};
