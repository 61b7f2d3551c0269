/**
 * exportHtml's portablePage: maths typeset to SVG at export, nbconvert's outside scripts dropped,
 * figures and code left exactly as they were. (browser.test.ts loads a real exported page.)
 */
import { expect } from 'chai';
import { linkSiblingPages, portablePage } from '../src/jupyter/exportHtml';
import { plotlyJs } from '../src/viz/figureHtml';

const figureScript = 'var price = "$5 and $6"; if (a < b && c) { Plotly.newPlot(div, data); }';
const page = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8">
<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({ tex2jax: { inlineMath: [ ['$','$'], ["\\\\(","\\\\)"] ] } });
</script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
</head>
<body>
<p>The output side is $\\lfloor (n + 2p - f)/s \\rfloor + 1$, and p &lt; f here.</p>
<p>$$p = \\frac{f - 1}{2}$$</p>
<p>It costs \\$5.</p>
<pre>const cost = "$x$";</pre>
<script type="text/javascript">${figureScript}</script>
</body>
</html>
`;

describe('portablePage (exported HTML that works anywhere, offline)', () => {
  const out = portablePage(page);

  it('typesets inline and display maths as SVG; no TeX is left for a browser to do', () => {
    const formulas = out.match(/<mjx-container[^>]*>/g) ?? [];
    expect(formulas).to.have.length(2);
    expect(formulas[0]).not.to.include('display="true"');
    expect(formulas[1]).to.include('display="true"');
    expect(out).to.include('<svg');
    expect(out).not.to.include('\\lfloor');
    expect(out).not.to.include('\\frac');
    expect(out).to.include('p &lt; f here');
  });

  it('an escaped dollar stays a dollar sign', () => {
    expect(out.replace(/<[^>]+>/g, '')).to.include('It costs $5.');
  });

  it('leaves scripts and preformatted code exactly as they were', () => {
    expect(out).to.include(`<script type="text/javascript">${figureScript}</script>`);
    expect(out).to.include('<pre>const cost = "$x$";</pre>');
    expect(out.startsWith('<!DOCTYPE html>')).to.equal(true);
  });

  it("drops MathJax, its configuration and require.js, whether from Debian's file:// or a CDN", () => {
    expect(out).not.to.match(/MathJax\.js|require\.min\.js|x-mathjax-config/);
    expect(out.match(/<script/g)).to.have.length(1);
  });
  it('Does a page with figures get plotly.js once, at the top of its body, and a page without none?', () => {
    const withFigure = page.replace('<body>', '<body>\n<div id="f" class="convlab-figure"></div>');
    const exported = portablePage(withFigure);
    const bundle = plotlyJs().slice(0, 300);
    expect(exported.split(bundle)).to.have.length(2);
    expect(exported.indexOf(bundle)).to.be.lessThan(exported.indexOf('class="convlab-figure"'));
    expect(portablePage(exported).split(bundle)).to.have.length(2); // exporting again adds nothing
    expect(out).not.to.include(bundle);
  });
});

describe('linkSiblingPages (links between exported notebooks)', () => {
  const names = new Set(['00-welcome', '04-padding']);

  it('points a link to an exported notebook at its page, keeping the anchor', () => {
    const html = '<a href="04-padding.ipynb">04</a> <a href="00-welcome.ipynb#Notation">notation</a>';
    expect(linkSiblingPages(html, names)).to.equal(
      '<a href="04-padding.html">04</a> <a href="00-welcome.html#Notation">notation</a>',
    );
  });

  it('leaves links to notebooks that are not on the site (exercises, other folders) alone', () => {
    const html =
      '<a href="exercises/E1-convolution.ipynb">E1</a> <a href="99-missing.ipynb">x</a> ' +
      '<a href="https://example.org/04-padding.ipynb">elsewhere</a>';
    expect(linkSiblingPages(html, names)).to.equal(html);
  });
});
