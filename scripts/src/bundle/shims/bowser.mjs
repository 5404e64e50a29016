// Lambda bundles only: the AWS SDK's browser user-agent code loads `bowser` (~38 KB) with import()
// to parse window.navigator.userAgent. On Node that code never runs, but esbuild still puts the
// dynamic import's target in a chunk of the zip. Should it ever run, the user agent says
// "os/other" and "md/browser unknown", exactly as the SDK does when it finds no navigator.
export const parse = () => undefined;
export default { parse };
