// The walls between the core's modules, as lint (VS Code's layering check is the model): a file
// in src/main/core/<module>/ may import another core module only through its index.ts (or the
// folder, which is the same). A module's other files are private, so its surface is what its
// index exports and docs/core-modules.md lists. Files directly under core (errors.ts,
// kill-points.ts, process.ts, atomic-file.ts) are for all. Which modules may be imported at all is CORE_LAYERS'
// business (eslint.config.js); this rule only keeps the doors to the front.
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files that are a module's surface besides its index: entry points the composition root loads
 * lazily (import()) so that a command starts its store tools before the rest of the module loads.
 */
export const PUBLIC_ENTRIES = {
  store: ['prefetch', 'temp-sweep', 'open'],
  renewal: ['reminders'],
};

const CORE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main', 'core') + sep;

/** The core module a path is in, and the rest of its path inside that module (null outside a module). */
function place(path) {
  if (!path.startsWith(CORE)) return null;
  const parts = path.slice(CORE.length).split(sep);
  if (parts.length < 2) return null;
  return { module: parts[0], rest: parts.slice(1).join('/').replace(/\.(ts|js|mjs)$/, '') };
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: "A core module imports another only through that module's index.ts." },
    schema: [],
    messages: {
      private: "core/{{from}} imports core/{{module}}/{{rest}}, a file private to core/{{module}}: import it from '{{index}}' (export it from core/{{module}}/index.ts if it belongs to the module's surface).",
    },
  },
  create(context) {
    const file = context.filename;
    const self = place(file);
    if (!self) return {};
    const check = (node) => {
      const source = node?.type === 'Literal' ? node.value : null;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = place(resolve(dirname(file), source));
      if (!target || target.module === self.module || target.rest === '' || target.rest === 'index') return;
      if (PUBLIC_ENTRIES[target.module]?.includes(target.rest)) return;
      const index = source.slice(0, source.lastIndexOf(target.module) + target.module.length);
      context.report({ node, messageId: 'private', data: { from: self.module, module: target.module, rest: target.rest, index } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export default { rules: { 'module-surface': rule } };
