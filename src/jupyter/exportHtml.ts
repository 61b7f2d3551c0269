/**
 * Static pages from executed notebooks: `jupyter nbconvert --to html` per notebook (outputs kept
 * as they are; plotly.js inlined once per page so the figures draw offline; maths typeset at export
 * so that it needs no MathJax either), signing the executed
 * copies so they open trusted in Jupyter, and an index page linking them all.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { JupyterInstall } from './findJupyter';
import { Notebook, cellSource, readNotebook } from './notebookFormat';
import { plotlyScriptTag } from '../viz/figureHtml';
import { typesetMath } from './typesetMath';
import { escapeHtml } from '../viz/escapeHtml';

function runOrThrow(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${what}: \`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})\n${result.stderr}`,
    );
  }
}

/**
 * Signs notebooks with the user's Jupyter key (`python -m nbformat.sign`), so that Jupyter runs the
 * scripts of outputs it did not produce itself — the figures — when the notebook is opened.
 */
export function signNotebooks(jupyter: JupyterInstall, files: string[]): void {
  if (files.length > 0) runOrThrow('signNotebooks', jupyter.python, ['-m', 'nbformat.sign', ...files]);
}

/** Converts notebooks to HTML pages in `outDir` (one `name.html` per `name.ipynb`); returns their paths. */
export function exportHtml(jupyter: JupyterInstall, files: string[], outDir: string): string[] {
  if (!jupyter.apps.nbconvert) {
    throw new Error(
      `exportHtml: ${jupyter.command} has no nbconvert (Debian: apt-get install jupyter-nbconvert; pip/conda: nbconvert)`,
    );
  }
  fs.mkdirSync(outDir, { recursive: true });
  if (files.length > 0)
    runOrThrow('exportHtml', jupyter.command, [
      'nbconvert',
      '--to',
      'html',
      '--output-dir',
      outDir,
      ...files,
    ]);
  const pages = files.map((file) => path.join(outDir, path.basename(file, '.ipynb') + '.html'));
  const names = new Set(files.map((file) => path.basename(file, '.ipynb')));
  for (const page of pages)
    fs.writeFileSync(page, linkSiblingPages(portablePage(fs.readFileSync(page, 'utf8')), names));
  return pages;
}

/**
 * Links between notebooks (`[04](04-padding.ipynb#Anchor)`) made into links between the exported
 * pages (`04-padding.html#Anchor`) where that page is exported beside this one. Links to anything
 * else (an exercise, which is not part of the site) stay as they are.
 */
export function linkSiblingPages(html: string, names: ReadonlySet<string>): string {
  return html.replace(/href="([^"/#?]+)\.ipynb(#[^"]*)?"/g, (link, name: string, anchor = '') =>
    names.has(decodeURIComponent(name)) ? `href="${name}.html${anchor}"` : link,
  );
}

/**
 * A page that works anywhere, offline: maths typeset to SVG (typesetMath.ts), plotly.js inlined once
 * at the top of the body when the page has figures (outputs never carry it: in Jupyter the page loads
 * it from the server, see figureHtml.ts), and the scripts that nbconvert loads from outside the page
 * dropped. They are MathJax, no longer needed, and require.js, which nothing on these pages needs
 * (plotly.js then defines a global `Plotly`, as our figures expect); as file:///usr/share/… (Debian)
 * or CDN URLs they work on one machine at best.
 */
export function portablePage(html: string): string {
  const page = typesetMath(html)
    .replace(/<script type="text\/x-mathjax-config">[\s\S]*?<\/script>\s*/g, '')
    .replace(/<script src="[^"]*\/(MathJax\.js|require(\.min)?\.js)(\?[^"]*)?">\s*<\/script>\s*/g, '');
  const hasFigures = /class="convlab-(figure|kernel-playground)"/.test(page);
  if (!hasFigures || page.includes('convlab-plotly-inline')) return page;
  // a function, so that `$` patterns in plotly.js are not read as replacement patterns
  return page.replace(
    /<body[^>]*>/,
    (body) => `${body}\n<div id="convlab-plotly-inline" hidden></div>${plotlyScriptTag()}`,
  );
}

/** A notebook's title: its first markdown heading, else its file name. */
export function notebookTitle(notebook: Notebook, file: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const heading = /^#{1,6}\s+(.+)$/m.exec(cellSource(cell));
    if (heading) return heading[1].trim();
  }
  return path.basename(file, '.ipynb');
}

/** Writes `index.html` in `outDir` listing the pages (paths relative to outDir). */
export function writeCourseIndex(
  outDir: string,
  pages: Array<{ title: string; html: string; notebook: string }>,
): string {
  const items = pages
    .map(
      (page) =>
        `    <li><a href="${encodeURI(page.html)}">${escapeHtml(page.title)}</a>` +
        ` <span class="file">(<a href="${encodeURI(page.notebook)}">${escapeHtml(path.basename(page.notebook))}</a>)</span></li>`,
    )
    .join('\n');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>convlab — the course</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 46em; margin: 3em auto; padding: 0 1em; color: #222; }
    li { margin: 0.4em 0; }
    .file { color: #777; font-size: 0.85em; }
  </style>
</head>
<body>
  <h1>convlab — the course</h1>
  <p>Each page is a notebook executed on the convlab TypeScript kernel; the figures are interactive and
  draw offline. The executed notebooks (signed, so Jupyter trusts their figures) are linked beside them.</p>
  <ol>
${items}
  </ol>
</body>
</html>
`;
  const file = path.join(outDir, 'index.html');
  fs.writeFileSync(file, html);
  return file;
}

/** Reads the titles for the index from executed notebooks. */
export function coursePages(
  executed: string[],
  outDir: string,
): Array<{ title: string; html: string; notebook: string }> {
  return executed.map((file) => ({
    title: notebookTitle(readNotebook(file), file),
    html: path.basename(file, '.ipynb') + '.html',
    notebook: path.relative(outDir, file).split(path.sep).join('/'),
  }));
}
