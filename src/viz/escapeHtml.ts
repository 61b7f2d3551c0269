/**
 * Text safe inside HTML, in an element or a quoted attribute: `& < > " '` become character
 * references (`&#60;` for `<`). The one escaper for every page and figure the library writes.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
