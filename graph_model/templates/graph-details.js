// ---- graph-details.js: the evidence panel ------------------------------------------------------
// An entity's or a relation's statements (the verbatim quote, who said it, when, in which
// article), and an article's text with the quote marked from the statement's offsets. Every
// value goes in as text. selectEntity(id) is called when the reader clicks an entity's name,
// chooseStatement(edgeId, statement) when they ask for a statement's evidence card.
function createDetails(model, panel, selectEntity, chooseStatement) {
  var lastView = null;

  function showHint() {
    clear(panel);
    panel.appendChild(el("h2", null, "Statements"));
    panel.appendChild(el("p", "hint",
      "Click an entity or a relation to see the statements behind it: the verbatim quote, who said it, when, " +
      "and in which article. Click a quote to read it in its article."));
  }

  function entityLink(id) {
    var button = el("button", "link", model.labelOf(id));
    button.type = "button";
    button.addEventListener("click", function () { selectEntity(id); });
    return button;
  }

  function relationHead(e) {
    var head = el("div", "relation-head");
    head.appendChild(entityLink(e.from));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("span", "predicate", "→ " + model.predicateLabel[e.predicate] + " →"));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(entityLink(e.to));
    return head;
  }

  function statementItem(e, s, back) {
    var li = el("li");
    if (s.disputes) li.className = "disputed";
    var quote = el("button", "quote", "“" + s.quote + "”");
    quote.type = "button";
    quote.title = "Show this quote in its article";
    quote.addEventListener("click", function () { showArticle(s, back); });
    li.appendChild(quote);
    var article = model.articleOf(s.article);
    var meta = el("div", "statement-meta");
    var speaker = s.speaker ? s.speaker + (s.role ? " (" + s.role + ")" : "") : "speaker not given";
    meta.appendChild(el("div", null, "Speaker: " + speaker));
    var when = el("div", null, s.when ? "Date: " + s.when + " " : "Date not given");
    if (s.when) when.appendChild(el("span", "tag", "precision: " + s.precision));
    meta.appendChild(when);
    meta.appendChild(el("div", null, "Source: " + (article ? article.label + (article.publisher ? " — " + article.publisher : "") : "unknown article")));
    if (s.modality && s.modality !== "asserted") meta.appendChild(el("div", null, "Modality: " + s.modality));
    var more = el("button", "link evidence-open", s.disputes ? "Evidence (disputed)" : "Evidence");
    more.type = "button";
    more.addEventListener("click", function () { chooseStatement(e.id, s); });
    meta.appendChild(more);
    li.appendChild(meta);
    return li;
  }

  function statementList(e, back) {
    var ul = el("ul", "statements");
    e.statements.forEach(function (s) { ul.appendChild(statementItem(e, s, back)); });
    // a reduced page of a large store leaves out the quotes of relations past its evidence limit
    if (!e.statements.length) ul.appendChild(el("li", "hint", e.unquoted ?
      "The quotes of this relation are not in this reduced page. Render it with --focus on one of its entities to include them." :
      "No statements recorded."));
    return ul;
  }

  function showNode(id) {
    var n = model.nodeById.get(id);
    if (!n) return;
    lastView = function () { showNode(id); };
    clear(panel);
    panel.appendChild(el("h2", null, n.label));
    var typeLine = el("div", "type-line");
    typeLine.appendChild(swatch(model, n.type, 14));
    typeLine.appendChild(el("span", null, n.type));
    panel.appendChild(typeLine);
    if (n.aliases.length) panel.appendChild(el("p", null, "Also known as: " + n.aliases.join("; ")));
    if (n.description) panel.appendChild(el("p", null, n.description));
    var edges = model.incident.get(id).slice().sort(function (a, b) {
      var pa = model.predicateLabel[a.predicate], pb = model.predicateLabel[b.predicate];
      var oa = model.labelOf(a.from === id ? a.to : a.from), ob = model.labelOf(b.from === id ? b.to : b.from);
      return pa < pb ? -1 : pa > pb ? 1 : oa < ob ? -1 : oa > ob ? 1 : 0;
    });
    var statements = edges.reduce(function (sum, e) { return sum + e.statements.length; }, 0);
    panel.appendChild(el("h3", null, plural(edges.length, "relation", "relations") + ", " + plural(statements, "statement", "statements")));
    edges.forEach(function (e) {
      var block = el("div", "relation");
      block.appendChild(relationHead(e));
      block.appendChild(statementList(e, lastView));
      panel.appendChild(block);
    });
    panel.scrollTop = 0;
  }

  function showEdge(edgeId) {
    var e = model.edgeById.get(edgeId);
    if (!e) return;
    lastView = function () { showEdge(edgeId); };
    clear(panel);
    panel.appendChild(el("h2", null, model.predicateLabel[e.predicate]));
    var block = el("div", "relation");
    block.appendChild(relationHead(e));
    block.appendChild(el("p", "small", plural(e.sources, "source article", "source articles") + ", " +
      plural(e.statements.length, "statement", "statements")));
    block.appendChild(statementList(e, lastView));
    panel.appendChild(block);
    panel.scrollTop = 0;
  }

  // One statement's evidence card (graph-evidence.js), with a way back to its relation.
  function showEvidence(edgeId, s) {
    var e = model.edgeById.get(edgeId);
    if (!e) return;
    var back = function () { showEdge(edgeId); };
    var self = function () { showEvidence(edgeId, s); };
    clear(panel);
    var backButton = el("button", "back", "← The relation");
    backButton.type = "button";
    backButton.addEventListener("click", back);
    panel.appendChild(backButton);
    panel.appendChild(evidenceCard(model, e, s, function () { showArticle(s, self); }));
    panel.scrollTop = 0;
  }

  // The article's text with the quote marked, from the statement's character offsets.
  function showArticle(s, back) {
    var article = model.articleOf(s.article);
    clear(panel);
    var backButton = el("button", "back", "← Back");
    backButton.type = "button";
    backButton.addEventListener("click", function () { (back || showHint)(); });
    panel.appendChild(backButton);
    if (!article) { panel.appendChild(el("p", "hint", "The source article is not available.")); return; }
    panel.appendChild(el("h2", null, article.label));
    var facts = [article.publisher, article.date].filter(Boolean).join(" · ");
    if (facts) panel.appendChild(el("p", "small", facts));
    var text = article.text;
    var start = Math.max(0, Math.min(s.start, text.length));
    var end = Math.max(start, Math.min(s.end, text.length));
    var body = el("div", "article-text");
    body.appendChild(document.createTextNode(text.slice(0, start)));
    var mark = el("mark", null, text.slice(start, end));
    body.appendChild(mark);
    body.appendChild(document.createTextNode(text.slice(end)));
    panel.appendChild(body);
    mark.scrollIntoView({ block: "center" });
  }

  return { showHint: showHint, showNode: showNode, showEdge: showEdge, showEvidence: showEvidence };
}
