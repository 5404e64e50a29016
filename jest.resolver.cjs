// Resolves like jest does (require conditions); a package whose exports offer only `import`
// (ESM-only, e.g. @octokit/webhooks-methods) is resolved again with the import condition, and
// jest.transformer.cjs compiles what it finds to CommonJS.
module.exports = (path, options) => {
  try {
    return options.defaultResolver(path, options);
  } catch (err) {
    const conditions = options.conditions ?? ['require', 'default', 'node'];
    if (conditions.includes('import')) throw err;
    return options.defaultResolver(path, { ...options, conditions: [...conditions, 'import'] });
  }
};
