// ---- graph-dom.js: text and DOM helpers every panel uses -------------------------------------
// The page's scripts share one function scope (render.PAGE_SCRIPTS lists them in order). All DOM
// is built with createElement/textContent: nothing from the data is ever parsed as HTML.
var SVG_NS = "http://www.w3.org/2000/svg";

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
// An SVG element with `attributes` set in their key order, appended to `parent` when given.
function svgElement(tag, attributes, parent) {
  var element = document.createElementNS(SVG_NS, tag);
  Object.keys(attributes).forEach(function (k) { element.setAttribute(k, attributes[k]); });
  if (parent) parent.appendChild(element);
  return element;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
var NUMBER = new Intl.NumberFormat("en");  // one formatter: toLocaleString builds one per call
function count(n) { return n < 1000 ? String(n) : NUMBER.format(n); }
function plural(n, one, many) { return count(n) + " " + (n === 1 ? one : many); }

// The one entity-lookup rule, as graph_model.lookup.name_key has it for the store and the
// projection: compatibility decomposition, combining marks dropped, lower case, whitespace
// collapsed and trimmed. " LUKAŠENKO " and "lukasenko" have the same key; a name matches an
// entity when its key equals the key of the entity's label or of one of its aliases.
function nameKey(s) {
  return String(s).normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

// Save `blob` as a download named `name`: a link to an object URL, clicked. (The policy needs no
// source for that: a download is no fetch, and blob: is only read by the browser's saver.)
function download(blob, name) {
  var url = URL.createObjectURL(blob), link = el("a");
  link.href = url;
  link.download = name;
  document.documentElement.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
}
