// Docs other branches write (issue 14's coordination): the README and docs/ link them already, and the
// link check skips them only while they do not exist (one that exists is checked like any other file).
// At integration, once they have landed, delete them from these lists.

/** docs/ files linked before the branch that writes them has landed. */
export const PENDING_DOCS: readonly string[] = [];

/** Files the README says every dist/<env>/ holds, written by a branch that has not landed (none left: deploy writes `environment`). */
export const PENDING_DIST_FILES: readonly string[] = [];
