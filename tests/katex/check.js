// Render every $$…$$ block and inline $…$ of the Markdown files given on the
// command line with KaTeX, strict mode on.  Prints one JSON line per problem
// and exits 1 if there was any.
const fs = require("fs");
const katex = require("katex");

function blocks(text) {
  const out = [];
  const display = /\$\$([\s\S]*?)\$\$/g;
  let m;
  while ((m = display.exec(text)) !== null) out.push({ tex: m[1], display: true });
  const rest = text.replace(display, "");
  const inline = /(?<![\\$])\$([^$\n]+?)\$/g;
  while ((m = inline.exec(rest)) !== null) out.push({ tex: m[1], display: false });
  return out;
}

let failed = 0;
let count = 0;
for (const file of process.argv.slice(2)) {
  for (const b of blocks(fs.readFileSync(file, "utf8"))) {
    count += 1;
    try {
      katex.renderToString(b.tex, { displayMode: b.display, strict: "error", throwOnError: true });
    } catch (e) {
      failed += 1;
      console.log(JSON.stringify({ file, error: String(e.message), tex: b.tex.slice(0, 200) }));
    }
  }
}
console.log(JSON.stringify({ blocks: count, failed }));
process.exit(failed ? 1 : 0);
