/**
 * Said in place of Edit and Delete on an object a configuration file declares: a change made here would be
 * undone by the next apply, so the file is where it changes (the API refuses edits with 409 as well). The file's
 * name is shown, its whole path on hover.
 */
export function ManagedNote({ file, short = false }: { file: string; short?: boolean }) {
  const name = file.split(/[\\/]/).pop() || file;
  return (
    <span className="managed-note" data-testid="managed-note" title={`Declared in ${file}; apply with npm run config -- apply ${file}`}>
      {short ? `In ${name}` : `Managed by ${name} — edit the file and apply`}
    </span>
  );
}
