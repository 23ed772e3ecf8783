import type { BuildRecipe } from './tool-versions.js';

type WrapperRecipe = Extract<BuildRecipe, { kind: 'wrapper' }>;

/**
 * The go.mod of the module that builds a tool: requires the tool's module and repeats the
 * `replace` lines the tool's own go.mod needs (a dependency's `replace` lines are ignored).
 * `go mod tidy` later adds the indirect requirements.
 */
export function wrapperGoMod(moduleName: string, recipe: WrapperRecipe): string {
  const lines = [`module ${moduleName}`, '', `go ${recipe.goDirective}`, ''];
  for (const r of recipe.requires) lines.push(`require ${r.module} ${r.version}`);
  if (recipe.replaces.length > 0) {
    lines.push('', 'replace (');
    for (const r of recipe.replaces) lines.push(`\t${r.module} => ${r.module} ${r.version}`);
    lines.push(')');
  }
  return `${lines.join('\n')}\n`;
}

/** A `tools.go` that imports the main package, so `go mod tidy` keeps everything it needs. */
export function wrapperToolsGo(recipe: WrapperRecipe): string {
  return `//go:build tools\n\npackage tools\n\nimport _ "${recipe.mainPackage}"\n`;
}
