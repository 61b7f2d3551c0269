/**
 * Text safe to put between `<script>` and `</script>`: an HTML parser ends the script at the first
 * `</script`, whatever JavaScript string it sits in. `<\/` means the same thing to JavaScript.
 */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
