// ---- graph-model.js: the embedded data and the indexes every panel reads ---------------------
// The data arrives as JSON text (render embeds it in a <script type="application/json">).
// Lookup tables keyed by data are Maps or have no prototype, so a name like "constructor" is
// just a name.
function readGraph(element) {
  var data = JSON.parse(element.textContent);
  var own = Object.prototype.hasOwnProperty;
  var predicateLabel = Object.create(null);
  data.predicates.forEach(function (p) { predicateLabel[p.name] = p.label; });
  var typeStyle = Object.create(null);
  data.types.forEach(function (t) { typeStyle[t.name] = t; });
  var nodeById = new Map();
  var incident = new Map();
  data.nodes.forEach(function (n) { nodeById.set(n.id, n); incident.set(n.id, []); });
  var edgeById = new Map();
  data.edges.forEach(function (e) {
    edgeById.set(e.id, e);
    incident.get(e.from).push(e);
    if (e.to !== e.from) incident.get(e.to).push(e);
  });
  return {
    data: data,
    meta: data.meta,
    nodeById: nodeById,
    edgeById: edgeById,
    incident: incident,  // id -> the relations it takes part in
    predicateLabel: predicateLabel,
    typeStyle: typeStyle,
    allArticles: Object.keys(data.articles).sort(),
    labelOf: function (id) { var n = nodeById.get(id); return n ? n.label : id; },
    groupOf: function (type) { return own.call(data.options.groups, type) ? type : "Thing"; },
    articleOf: function (id) { return id !== null && own.call(data.articles, id) ? data.articles[id] : null; },
    incidentIds: function (id) { return incident.get(id).map(function (e) { return e.id; }); }
  };
}
