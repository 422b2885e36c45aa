// ---- graph-main.js: build the panels, start the drawing, wire them together ------------------
var model = readGraph(document.getElementById("graph-data"));
var DATA = model.data;
// what the filters let through; the network's views read it
var visible = {
  nodes: new Set(DATA.nodes.map(function (n) { return n.id; })),
  edges: new Set(DATA.edges.map(function (e) { return e.id; }))
};
var view = null;

function showCounts() {
  document.getElementById("counts").textContent =
    count(visible.nodes.size) + " of " + plural(DATA.nodes.length, "entity", "entities") +
    " · " + count(visible.edges.size) + " of " + plural(DATA.edges.length, "relation", "relations");
}

var timeline = null;
var filters = createFilters(model, visible, function () { view.refresh(); showCounts(); if (timeline) timeline.render(); });
var focusPanel = createFocusPanel(model, filters, visible, function () { return view; });
var details = createDetails(model, document.getElementById("details-body"), selectEntity, chooseStatement);
var search = createSearch(model, selectEntity);

// A statement picked in the details panel: its evidence card, its relation selected in the graph,
// and on the timeline that relation's statements with this one current.
function chooseStatement(edgeId, s) {
  details.showEvidence(edgeId, s);
  selectEdgeInGraph(edgeId);
  timeline.showStatement(edgeId, s);
}
function selectEdgeInGraph(edgeId) {
  if (!view.loaded || !visible.edges.has(edgeId)) return;
  view.network.selectEdges([edgeId]);
  view.labelEdges([edgeId]);
}

// Select an entity and centre the view on it; returns false if it is not drawn.
function selectEntity(id) {
  if (!model.nodeById.has(id)) return false;
  focusPanel.setSelected(id);
  details.showNode(id);
  timeline.show({ node: id });
  if (!view.has(id)) return false;  // not loaded yet (the first second of a big page)
  if (!visible.nodes.has(id)) {
    focusPanel.say(model.labelOf(id) + " is hidden by the current filters.");
    return false;
  }
  view.network.selectNodes([id]);
  view.labelEdges(model.incidentIds(id));
  view.network.focus(id, { scale: Math.max(view.network.getScale(), 1.0), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  return true;
}

buildLegend(model, document.getElementById("legend"));
filters.buildFilters();
showCounts();
details.showHint();
// a page rendered with a focus says so (the reduction notice, if any, is in the markup already)
if (model.meta.focus) {
  var notice = document.getElementById("notice");
  var line = "Neighbourhood of " + model.labelOf(model.meta.focus) + " (" +
    plural(model.meta.depth, "relation", "relations") + " deep).";
  notice.textContent = notice.textContent ? notice.textContent + " " + line : line;
}

view = createNetwork(model, document.getElementById("graph"), visible, {
  onNode: function (id) {
    focusPanel.setSelected(id);
    details.showNode(id);
    view.labelEdges(model.incidentIds(id));
    timeline.show({ node: id });
  },
  onEdge: function (id) {
    details.showEdge(id);
    view.labelEdges([id]);
    timeline.show({ edge: id });
  },
  onNothing: function () { view.labelEdges([]); },
  // the search index waits until the graph is loaded and the page idle (or the first search)
  afterLoading: function () { (window.requestIdleCallback || setTimeout)(function () { search.buildIndex(); }); }
});

// The timeline starts with every statement shown; it follows the graph's selection and the
// filters, and a statement picked on it selects its relation in the graph and opens its evidence.
timeline = createTimeline(model, function (e, s) {
  return visible.edges.has(e.id) && filters.statementPasses(s);
}, {
  choose: function (item) {
    details.showEvidence(item.e.id, item.s);
    selectEdgeInGraph(item.e.id);
    timeline.markEdge(item.e.id);
  }
});
timeline.render();

document.getElementById("export-png").addEventListener("click", function () { view.exportPng("graph.png"); });
document.getElementById("export-svg").addEventListener("click", function () { view.exportSvg("graph.svg"); });

// for tests, the bench and the curious: the drawing, the data, the filter state, and the actions
view.data = DATA;
view.state = filters.state;
view.applyFilters = filters.applyFilters;
view.select = selectEntity;
view.search = search.search;
view.resolve = search.resolve;
view.nameKey = nameKey;
view.timeline = timeline;
view.chooseStatement = chooseStatement;
window.graphView = view;
