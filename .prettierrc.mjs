// Prettier's settings, and a small plugin so that it can format the AssemblyScript kernels (assembly/).
import { parsers } from 'prettier/plugins/typescript';
import { printers } from 'prettier/plugins/estree';

/**
 * AssemblyScript is TypeScript syntax plus decorators on functions (`@inline`), which TypeScript's
 * parser refuses outside classes. So the kernels are parsed with each decorator line (a decorator alone on
 * its line, as they are written) turned into a marked line comment, `//decorator:@inline`, and that
 * comment is printed back as the decorator: everything else is formatted as TypeScript.
 */
const DECORATOR_LINE = /^(@\w+)$/gm;
const MARK = 'decorator:';
const estree = printers.estree;
const assemblyScript = {
  parsers: {
    assemblyscript: {
      ...parsers.typescript,
      astFormat: 'assemblyscript',
      preprocess: (text) => text.replace(DECORATOR_LINE, `//${MARK}$1`),
    },
  },
  printers: {
    assemblyscript: {
      ...estree,
      printComment: (path, options) =>
        !estree.isBlockComment(path.node) && path.node.value.startsWith(MARK)
          ? path.node.value.slice(MARK.length)
          : estree.printComment(path, options),
    },
  },
};

export default {
  printWidth: 110,
  singleQuote: true,
  trailingComma: 'all',
  plugins: [assemblyScript],
  overrides: [{ files: 'assembly/**/*.ts', options: { parser: 'assemblyscript' } }],
};
