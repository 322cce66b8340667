// Windows' own tools by full path. Node on Windows looks for a bare program name in the
// current folder before PATH (nodejs/node#46264): a reg.exe or powershell.exe left in a
// download folder would run instead of Windows' own. Every layer (core, shell, CLI) may use
// this; it is pure (the environment is passed in).

/** The Windows folder: %SystemRoot% when it is an absolute drive path, else C:\Windows (never a relative path, which would be searched from the current folder). */
export function windowsDir(env: Record<string, string | undefined>): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir;
  return root && /^[A-Za-z]:\\[^%"<>|?*]*$/.test(root) ? root.replace(/\\+$/, '') : 'C:\\Windows';
}

/** A tool in %SystemRoot%\System32 (e.g. 'reg.exe', 'WindowsPowerShell\\v1.0\\powershell.exe'). */
export function system32Tool(env: Record<string, string | undefined>, tool: string): string {
  return `${windowsDir(env)}\\System32\\${tool}`;
}
