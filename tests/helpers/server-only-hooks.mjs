// Resolve hook for allow-server-only.mjs: only the `server-only` marker gets the `react-server` condition.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'server-only') {
    return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'react-server'] });
  }
  return nextResolve(specifier, context);
}
