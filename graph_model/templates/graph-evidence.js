// ---- graph-evidence.js: the evidence card of one statement --------------------------------------
// Shared by the details panel and the timeline: the quote in some words of its article's text,
// who said it and as what, the date as the text words it, the article (title, publisher, date,
// address), the named graph, where it was curated, and any dispute. Every value goes in as text;
// the only link built from data is an http(s) address, checked with the URL parser.
function quoteInContext(article, s) {
  var box = el("blockquote", "evidence-quote");
  if (!article || !article.text) { box.appendChild(el("mark", null, s.quote)); return box; }
  var text = article.text;
  var start = Math.max(0, Math.min(s.start, text.length)), end = Math.max(start, Math.min(s.end, text.length));
  // twelve words either side, cut at word boundaries (from at most 400 characters)
  var before = /(?:\S+\s+){0,12}\S*$/u.exec(text.slice(Math.max(0, start - 400), start))[0];
  var after = /^\S*(?:\s+\S+){0,12}/u.exec(text.slice(end, end + 400))[0];
  if (before.length < start) box.appendChild(document.createTextNode("… "));
  box.appendChild(document.createTextNode(before));
  box.appendChild(el("mark", null, text.slice(start, end)));
  box.appendChild(document.createTextNode(after));
  if (end + after.length < text.length) box.appendChild(document.createTextNode(" …"));
  return box;
}

function webAddress(value) {
  if (!value) return null;
  try {
    var url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (err) { return null; }
}

// The card for statement `s` of relation `e`; readArticle() opens the article with the quote marked.
function evidenceCard(model, e, s, readArticle) {
  var article = model.articleOf(s.article);
  var card = el("div", "evidence-card");
  card.appendChild(el("h3", null, "Evidence"));
  card.appendChild(el("p", "evidence-relation", model.labelOf(e.from) + " → " + model.predicateLabel[e.predicate] +
    " → " + model.labelOf(e.to)));
  card.appendChild(quoteInContext(article, s));
  if (s.disputes) {
    var note = el("div", "disputed-note");
    note.appendChild(el("strong", null, "Disputed. "));
    note.appendChild(document.createTextNode(s.disputes.join(" ")));
    card.appendChild(note);
  }
  var facts = el("dl", "evidence-facts");
  function fact(name, value) {
    if (value === null || value === undefined || value === "") return;
    facts.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    facts.appendChild(dd);
  }
  fact("Speaker", s.speaker ? s.speaker + (s.role ? " (" + s.role + ")" : "") : "not given");
  fact("Date", s.date ? s.when + (s.when !== s.date ? " (the text: “" + s.date + "”)" : "") + " · precision: " + s.precision
                      : "not given");
  if (article) {
    fact("Article", article.label);
    fact("Publisher", article.publisher);
    fact("Published", article.date);
    var href = webAddress(article.url);
    if (href) {
      var link = el("a", null, href);
      link.href = href;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      fact("Address", link);
    }
    fact("Named graph", article.graph);
  } else {
    fact("Article", "not available");
  }
  if (s.file) fact("Curated at", s.file + (s.line ? ":" + s.line : ""));
  card.appendChild(facts);
  if (article) {
    var read = el("button", "read-article", "Read the article, quote highlighted");
    read.type = "button";
    read.addEventListener("click", readArticle);
    card.appendChild(read);
  }
  return card;
}
