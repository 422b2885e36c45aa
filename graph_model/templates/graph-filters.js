// ---- graph-filters.js: what is shown: type, relation, article and date filters, and focus -----
// The state is the sets of ticked keys plus the focus; applyFilters() recomputes `visible` from
// it and calls changed() (which refreshes the drawing and the counts).
function createFilters(model, visible, changed) {
  var DATA = model.data;
  var allPredicates = DATA.predicates.map(function (p) { return p.name; });
  var allDates = DATA.precisions.map(function (p) { return p.key; });
  var state = {
    types: new Set(DATA.types.map(function (t) { return t.name; })), predicates: new Set(allPredicates),
    articles: new Set(model.allArticles), dates: new Set(allDates), focus: null, depth: 2, selected: null
  };

  function statementPasses(s) {
    return (s.article === null || state.articles.has(s.article)) && state.dates.has(s.precision || "none");
  }
  function neighbourhoodOf(start, depth, passing) {
    var seen = new Set([start]);
    var frontier = [start];
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (id) {
        model.incident.get(id).forEach(function (e) {
          if (!passing.has(e.id)) return;
          var other = e.from === id ? e.to : e.from;
          if (!seen.has(other)) { seen.add(other); next.push(other); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  // Recompute what is visible from the filter state, then let the views tell the network.
  function applyFilters() {
    var statementFilter = state.articles.size < model.allArticles.length || state.dates.size < allDates.length;
    var edgeFilter = statementFilter || state.predicates.size < allPredicates.length;
    var passing = new Set();
    DATA.edges.forEach(function (e) {
      if (!state.predicates.has(e.predicate)) return;
      if (statementFilter && !e.statements.some(statementPasses)) return;
      passing.add(e.id);
    });
    var around = state.focus ? neighbourhoodOf(state.focus, state.depth, passing) : null;
    function nodeOk(id) {
      return state.types.has(model.nodeById.get(id).type) && (!around || around.has(id));
    }
    var edges = new Set(), linked = new Set();
    DATA.edges.forEach(function (e) {
      if (passing.has(e.id) && nodeOk(e.from) && nodeOk(e.to)) {
        edges.add(e.id); linked.add(e.from); linked.add(e.to);
      }
    });
    var nodes = new Set();
    DATA.nodes.forEach(function (n) {
      // with a relation filter on, entities left without any shown relation are noise
      if (nodeOk(n.id) && (!edgeFilter || linked.has(n.id) || n.id === state.focus)) nodes.add(n.id);
    });
    visible.nodes = nodes;
    visible.edges = edges;
    changed();
  }

  function checkList(box, entries, set, options) {
    if (!entries.length) { box.appendChild(el("div", "small", options.empty)); return; }
    var inputs = [];
    var bar = el("div", "all-none");
    var all = el("button", null, "all"), none = el("button", null, "none");
    all.type = none.type = "button";
    all.addEventListener("click", function () { setAll(true); });
    none.addEventListener("click", function () { setAll(false); });
    bar.appendChild(all); bar.appendChild(none);
    box.appendChild(bar);
    function setAll(on) {
      inputs.forEach(function (input) {
        input.checked = on;
        if (on) set.add(input.dataset.key); else set.delete(input.dataset.key);
      });
      applyFilters();
    }
    entries.forEach(function (entry) {
      var label = el("label");
      var input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.dataset.key = entry.key;
      input.addEventListener("change", function () {
        if (input.checked) set.add(entry.key); else set.delete(entry.key);
        applyFilters();
      });
      inputs.push(input);
      label.appendChild(input);
      if (options.swatch) label.appendChild(swatch(model, entry.key, 14));
      var text = el("span", null, entry.label);
      if (entry.hint) text.title = entry.hint;
      label.appendChild(text);
      label.appendChild(el("span", "count", count(entry.count)));
      box.appendChild(label);
    });
  }

  function buildFilters() {
    checkList(document.getElementById("filter-types"), DATA.types.map(function (t) {
      return { key: t.name, label: t.name, count: t.count };
    }), state.types, { swatch: true, empty: "No entities." });
    checkList(document.getElementById("filter-predicates"), DATA.predicates.map(function (p) {
      return { key: p.name, label: p.label, count: p.count };
    }), state.predicates, { empty: "No relations." });
    var perArticle = Object.create(null);
    DATA.edges.forEach(function (e) {
      e.statements.forEach(function (s) { if (s.article !== null) perArticle[s.article] = (perArticle[s.article] || 0) + 1; });
    });
    var articles = model.allArticles.map(function (id) {
      var a = DATA.articles[id];
      return { key: id, label: a.label, count: perArticle[id] || 0,
               hint: [a.publisher, a.date].filter(Boolean).join(", ") || id };
    }).sort(function (x, y) { return x.label.localeCompare(y.label); });
    checkList(document.getElementById("filter-articles"), articles, state.articles, { empty: "No source articles." });
    checkList(document.getElementById("filter-dates"), DATA.precisions.map(function (p) {
      return { key: p.key, label: p.label, count: p.count };
    }), state.dates, { empty: "No statements." });
  }

  // statementPasses: the timeline applies the same article and date filters as the graph
  return { state: state, applyFilters: applyFilters, buildFilters: buildFilters, statementPasses: statementPasses };
}
