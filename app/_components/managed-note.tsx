/**
 * Said in place of Edit and Delete on an object a configuration file declares: a change made here would be
 * undone by the next apply, so the file is where it changes (the API refuses edits with 409 as well).
 */
export function ManagedNote({ file }: { file: string }) {
  return (
    <span className="managed-note" data-testid="managed-note" title={`Declared in ${file}; npm run config -- apply ${file}`}>
      Managed by {file} — edit the file and apply
    </span>
  );
}
