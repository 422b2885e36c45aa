// ---- graph-network.js: the drawing: vis-network, its data sets, and the filtered views --------
// `visible` ({nodes: Set, edges: Set}) is what the filters let through; the views read it on
// every refresh(). hooks: onNode(id), onEdge(id), onNothing() for clicks; afterLoading() once
// everything is in.
function createNetwork(model, container, visible, hooks) {
  var DATA = model.data;

  // tooltips are plain text (vis-network shows strings with innerText)
  function nodeTitle(n) {
    var lines = [n.label, n.type];
    if (n.aliases.length) lines.push("Also: " + n.aliases.join("; "));
    if (n.description) lines.push(n.description);
    lines.push(plural(model.incident.get(n.id).length, "relation", "relations") + " — click for the quotes");
    return lines.join("\n");
  }
  function edgeTitle(e) {
    return model.labelOf(e.from) + " → " + model.predicateLabel[e.predicate] + " → " + model.labelOf(e.to) + "\n" +
      plural(e.sources, "source article", "source articles") + ", " +
      plural(e.statements.length, "statement", "statements") + " — click for the quotes";
  }
  function fontSize(size) { return Math.round(12 + (size - 8) * 0.5); }

  // Items are built here but added to the data sets in slices once the network exists
  // (graph-loader.js): vis-network builds a heavy object per item.
  var nodeItems = DATA.nodes.map(function (n) {
    var item = { id: n.id, label: n.label, group: model.groupOf(n.type), x: n.x, y: n.y, size: n.size, title: nodeTitle(n) };
    // bigger names for hubs, except in large graphs where per-node fonts cost seconds to parse
    var font = DATA.large ? 14 : fontSize(n.size);
    if (!DATA.large) item.font = { size: font };
    // wrap long names (but never inside a word of a big hub label); only those, since wrapping
    // measures the text word by word
    if (n.label.length > 18) item.widthConstraint = { maximum: Math.max(130, font * 9) };
    return item;
  });
  // Thousands of edge labels make every frame slow (vis-network draws all edges, on screen or
  // not); large graphs label only the relations of what is selected.
  var labelAll = DATA.edgeLabels === "all";
  var edgeItems = DATA.edges.map(function (e) {
    // only what differs from the defaults: vis-network copies every item option it is given
    var item = { id: e.id, from: e.from, to: e.to, title: edgeTitle(e) };
    if (e.width !== 1) item.width = e.width;
    if (labelAll) item.label = model.predicateLabel[e.predicate];
    if (e.roundness !== undefined) item.smooth = { enabled: true, type: "curvedCW", roundness: e.roundness };
    // a relation some statement of which another contradicts (page_evidence.dispute_notes)
    if (e.disputed) { item.dashes = [8, 5]; item.color = { color: "#c53030", highlight: "#9b2c2c", hover: "#9b2c2c", inherit: false }; }
    return item;
  });
  var allNodes = new vis.DataSet();
  var allEdges = new vis.DataSet();
  var nodesView = new vis.DataView(allNodes, { filter: function (item) { return visible.nodes.has(item.id); } });
  var edgesView = new vis.DataView(allEdges, { filter: function (item) { return visible.edges.has(item.id); } });

  // created empty so that the first-draw listener is in place before anything can be drawn
  var network = new vis.Network(container, {}, DATA.options);
  var labelled = [];
  var view = {
    network: network, nodes: nodesView, edges: edgesView, allNodes: allNodes, allEdges: allEdges,
    drawn: false, loaded: false, firstPaintAt: null, firstDrawAt: null,
    // the filters changed `visible`
    refresh: function () { nodesView.refresh(); edgesView.refresh(); },
    // whether the network has the entity yet (not in the first second of a big page)
    has: function (id) { return Object.prototype.hasOwnProperty.call(network.getPositions([id]), id); },
    // label exactly these relations (large graphs label only the selection's)
    labelEdges: function (ids) {
      // (before the relations are loaded, an update would add half-made edges)
      if (labelAll || !view.loaded) return;
      var updates = labelled.map(function (id) { return { id: id, label: "" }; });
      ids.forEach(function (id) { updates.push({ id: id, label: model.predicateLabel[model.edgeById.get(id).predicate] }); });
      labelled = ids;
      allEdges.update(updates);
    }
  };
  // firstPaintAt: the first frame with entities in it; drawn / firstDrawAt: the first frame with
  // everything in it (every entity and relation).
  network.on("afterDrawing", function () {
    if (view.drawn || !nodesView.length) return;
    if (view.firstPaintAt === null) view.firstPaintAt = performance.now();
    if (!view.loaded) return;
    view.drawn = true;
    view.firstDrawAt = performance.now();
  });
  network.on("click", function (params) {
    if (params.nodes.length) hooks.onNode(params.nodes[0]);
    else if (params.edges.length) hooks.onEdge(params.edges[0]);
    else hooks.onNothing();
  });

  // Zoom to fit before adding the data: a first frame at zoom 1 draws every label of a large
  // graph (seconds). Same formula as vis-network's fit().
  function fittingView(nodes) {
    if (!nodes.length) return { position: { x: 0, y: 0 }, scale: 1 };
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    nodes.forEach(function (n) {
      minX = Math.min(minX, n.x - n.size); maxX = Math.max(maxX, n.x + n.size);
      minY = Math.min(minY, n.y - n.size); maxY = Math.max(maxY, n.y + n.size);
    });
    var width = container.clientWidth || 800, height = container.clientHeight || 600;
    var scale = Math.min(1, width / (1.1 * (maxX - minX)), height / (1.1 * (maxY - minY)));
    return { position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale, animation: false };
  }
  var fitting = fittingView(DATA.nodes);
  network.moveTo(fitting);
  network.setData({ nodes: nodesView, edges: edgesView });
  var painted = false;
  loadInSlices(network, [
    { set: allNodes, items: nodeItems, batch: 200, measure: true },
    { set: allEdges, items: edgeItems, batch: 500 }
  ], {
    // a large graph: a frame with the entities before the relations load (small ones go on in
    // the same slice, and their first frame is the complete one)
    paintBetween: nodeItems.length + edgeItems.length > 3000,
    beforeFrame: function (last) {
      // whatever adding did to the view, start from the fitted one (once: by the final frame
      // the reader may have moved it)
      if (!painted) network.moveTo(fitting);
      painted = true;
      if (last) view.loaded = true;
    },
    done: hooks.afterLoading
  });
  return view;
}
