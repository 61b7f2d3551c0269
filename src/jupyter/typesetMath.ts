/**
 * Maths in exported pages, drawn once at export time as SVG. nbconvert leaves the notebooks' `$…$`
 * for MathJax to typeset in the reader's browser, loaded from a CDN (pip's nbconvert) or from
 * file:///usr/share/javascript (Debian's): neither works offline on another machine. MathJax in
 * Node (mathjax-full) typesets the page here instead, so the maths shows wherever the page goes,
 * even with scripts off. It skips <script>, <pre> and <code>, so figures and code are left alone.
 */
import { mathjax } from 'mathjax-full/js/mathjax';
import { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html';
import { TeX } from 'mathjax-full/js/input/tex';
import { AllPackages } from 'mathjax-full/js/input/tex/AllPackages';
import { SVG } from 'mathjax-full/js/output/svg';

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

/** The page with every TeX formula (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) replaced by SVG. */
export function typesetMath(html: string): string {
  const page = mathjax.document(html, {
    // the delimiters Jupyter's own MathJax set-up accepts; `\$` is a dollar sign
    InputJax: new TeX({
      packages: AllPackages,
      inlineMath: [
        ['$', '$'],
        ['\\(', '\\)'],
      ],
      processEscapes: true,
    }),
    // one <defs> of glyphs for the page, not one copy per formula
    OutputJax: new SVG({ fontCache: 'global' }),
  });
  page.render();
  const doctype = adaptor.doctype(page.document);
  return (doctype ? doctype + '\n' : '') + adaptor.outerHTML(adaptor.root(page.document));
}
