/** The digest of a folder's files (`<folder>/<file>`), or undefined when it cannot be read or holds anything else. */
export function digestDirectory(dir: string): string | undefined;
/** The digest of rendered folders: folder name -> file name -> content. */
export function digestRendered(folders: ReadonlyMap<string, ReadonlyMap<string, string>>): string;
