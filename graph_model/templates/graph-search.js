// ---- graph-search.js: find an entity by id, name or alias -------------------------------------
// Names are compared by nameKey (graph-dom.js), the rule graph_model.lookup shares with the store
// and the projection. resolve() is exact: the entity with that id, else the one entity whose
// label or alias has the same key. The search box also lists prefix and substring matches, exact
// ones first. choose(id) is called with the entity the reader picks.
function createSearch(model, choose) {
  var index = null;
  // built on first use (or when the page is idle after loading), not before the first draw
  function buildIndex() {
    if (index) return index;
    index = model.data.nodes.map(function (n) {
      var shown = [n.label].concat(n.aliases);
      return { id: n.id, label: n.label, type: n.type, keys: shown.map(nameKey), shown: shown };
    });
    return index;
  }

  // The entity `text` names exactly; returns its id, or null if none or several do.
  function resolve(text) {
    if (model.nodeById.has(text)) return text;
    var key = nameKey(text), found = null;
    if (!key) return null;
    for (var i = 0, entries = buildIndex(); i < entries.length; i++) {
      if (entries[i].keys.indexOf(key) >= 0) {
        if (found !== null) return null;  // ambiguous: an exact answer names one entity
        found = entries[i].id;
      }
    }
    return found;
  }

  // Entities whose id is the query, or whose label or an alias matches it: exact key matches
  // first, then prefixes, then substrings.
  function searchEntities(query, limit) {
    var q = nameKey(query || "");
    if (!q) return [];
    var hits = [];
    buildIndex().forEach(function (entry) {
      var best = entry.id === query ? 0 : 3, via = null;
      entry.keys.forEach(function (key, i) {
        var at = key.indexOf(q);
        var score = key === q ? 0 : at === 0 ? 1 : at > 0 ? 2 : 3;
        if (score < best) { best = score; via = i ? entry.shown[i] : null; }
      });
      if (best < 3) hits.push({ id: entry.id, label: entry.label, type: entry.type, score: best, via: via });
    });
    hits.sort(function (a, b) {
      return a.score - b.score || a.label.length - b.label.length || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
    return hits.slice(0, limit || 12);
  }

  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  function showResults(hits) {
    clear(results);
    if (!input.value.trim()) return;
    if (!hits.length) { results.appendChild(el("li", "hint", "  No entity matches.")); return; }
    hits.forEach(function (hit) {
      var li = el("li"), button = el("button");
      button.type = "button";
      button.appendChild(el("span", null, hit.label));
      var extra = hit.type + (hit.via ? " · also “" + hit.via + "”" : "");
      button.appendChild(el("div", "small", extra));
      button.addEventListener("click", function () { pick(hit.id); });
      li.appendChild(button);
      results.appendChild(li);
    });
  }
  function pick(id) {
    clear(results);
    input.value = model.labelOf(id);
    choose(id);
  }
  input.addEventListener("input", function () { showResults(searchEntities(input.value)); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      // the entity the text names exactly, else the best match
      var id = resolve(input.value), hits = id === null ? searchEntities(input.value, 1) : [];
      if (id !== null) pick(id); else if (hits.length) pick(hits[0].id);
      event.preventDefault();
    } else if (event.key === "Escape") {
      clear(results);
    } else if (event.key === "ArrowDown" && results.querySelector("button")) {
      results.querySelector("button").focus();
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".search")) clear(results);
  });

  return { buildIndex: buildIndex, resolve: resolve, search: searchEntities };
}
