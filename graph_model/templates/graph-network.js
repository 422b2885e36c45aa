// ---- graph-network.js: the drawing: vis-network, its data sets, and the filtered views --------
// `visible` ({nodes: Set, edges: Set}) is what the filters let through; the views read it on
// every refresh(). hooks: onNode(id), onEdge(id), onNothing() for clicks; afterLoading() once
// everything is in.
//
// Legibility: vis-network draws every name that is big enough, over each other. So it draws none
// (the nodes' drawThreshold is out of reach) and the page names entities itself after each frame
// (drawNames): the selection's neighbourhood first, then by rank (most connected first, from
// page_data), at a fixed screen size, below the entity or else above, right or left of it, skipping
// any name whose box would overlap a name, a relation label or a panel already there. Relations are labelled only when hovered or part of the selection, and the
// selection's neighbourhood is drawn again over a veil that dims everything else.
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
  // Relations are labelled only while hovered or selected (labelEdges / hoverEdge below): labels
  // on every relation cover the names and each other, and make every frame slow.
  var edgeItems = DATA.edges.map(function (e) {
    // only what differs from the defaults: vis-network copies every item option it is given
    var item = { id: e.id, from: e.from, to: e.to, title: edgeTitle(e) };
    if (e.width !== 1) item.width = e.width;
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
  var options = Object.assign({}, DATA.options);
  options.nodes = Object.assign({}, options.nodes, { scaling: { label: { enabled: false, drawThreshold: 1e9 } } });
  var network = new vis.Network(container, {}, options);
  var labelled = [], selectedEdges = [], hovered = null;
  // label exactly the selection's relations plus the hovered one, updating only what changes
  function setEdgeLabels() {
    // (before the relations are loaded, an update would add half-made edges)
    if (!view.loaded) return;
    var want = selectedEdges.slice();
    if (hovered !== null && want.indexOf(hovered) < 0) want.push(hovered);
    var keep = new Set(want), had = new Set(labelled), updates = [];
    labelled.forEach(function (id) { if (!keep.has(id)) updates.push({ id: id, label: "" }); });
    want.forEach(function (id) {
      if (!had.has(id)) updates.push({ id: id, label: model.predicateLabel[model.edgeById.get(id).predicate] });
    });
    labelled = want;
    if (updates.length) allEdges.update(updates);
  }
  var view = {
    network: network, nodes: nodesView, edges: edgesView, allNodes: allNodes, allEdges: allEdges,
    drawn: false, loaded: false, firstPaintAt: null, firstDrawAt: null,
    // the filters changed `visible`
    refresh: function () { nodesView.refresh(); edgesView.refresh(); },
    // whether the network has the entity yet (not in the first second of a big page)
    has: function (id) { return Object.prototype.hasOwnProperty.call(network.getPositions([id]), id); },
    // label exactly these relations (the selection's), and the hovered one
    labelEdges: function (ids) { selectedEdges = ids.slice(); setEdgeLabels(); },
    // the relations labelled now
    labelledEdges: function () { return labelled.slice(); },
    // the names and relation labels of the last frame, in CSS pixels of the canvas (for tests and
    // the SVG export): [{id, text, x, y, w, h, size, bold, dim}]
    labelBoxes: [], edgeLabelBoxes: [],
    // the selection's neighbourhood as drawn in the last frame ({nodes: Set, edges: Set}), or null
    neighbourhood: null
  };
  network.on("hoverEdge", function (params) { hovered = params.edge; setEdgeLabels(); });
  network.on("blurEdge", function () { hovered = null; setEdgeLabels(); });
  network.on("afterDrawing", function (ctx) {
    if (!view.loaded) return;
    view.neighbourhood = neighbourhood();
    if (view.neighbourhood) veil(ctx, view.neighbourhood);
    drawNames(ctx);
  });

  // What the selection makes stand out: a selected entity with its relations and their other
  // ends, or a selected relation with its two ends (only what the filters let through).
  function neighbourhood() {
    var nodes = new Set(), edges = new Set();
    network.getSelectedNodes().forEach(function (id) {
      nodes.add(id);
      model.incident.get(id).forEach(function (e) {
        if (!visible.edges.has(e.id)) return;
        edges.add(e.id); nodes.add(e.from); nodes.add(e.to);
      });
    });
    network.getSelectedEdges().forEach(function (id) {
      var e = model.edgeById.get(id);
      if (e) { edges.add(id); nodes.add(e.from); nodes.add(e.to); }
    });
    return nodes.size ? { nodes: nodes, edges: edges } : null;
  }
  var canvasElement = null;
  function screenTransform() {
    var origin = network.canvasToDOM({ x: 0, y: 0 });
    canvasElement = canvasElement || container.querySelector("canvas");
    return { scale: network.getScale(), tx: origin.x, ty: origin.y,
             ratio: canvasElement.width / (canvasElement.clientWidth || canvasElement.width) };
  }
  // dim everything, then draw the neighbourhood again on top
  function veil(ctx, hood) {
    canvasElement = canvasElement || container.querySelector("canvas");
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "rgba(255, 255, 255, 0.72)";
    ctx.fillRect(0, 0, canvasElement.width, canvasElement.height);
    ctx.restore();
    redrawItems(network, ctx, Array.from(hood.nodes), Array.from(hood.edges));
  }

  // ---- names ----
  var FACE = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";
  var byRank = DATA.nodes.slice().sort(function (a, b) { return a.rank - b.rank; });
  var last = Math.max(DATA.nodes.length - 1, 1);
  var widths = new Map();  // "size|bold|text" -> width in px
  function shortName(label) { return label.length > 30 ? label.slice(0, 28) + "…" : label; }
  function textWidth(ctx, text, size, bold) {
    var key = size + (bold ? "b|" : "|") + text, w = widths.get(key);
    if (w === undefined) {
      ctx.font = (bold ? "600 " : "") + size + "px " + FACE;
      w = ctx.measureText(text).width;
      widths.set(key, w);
    }
    return w;
  }
  // boxes already taken, bucketed in a coarse grid so each test looks at a few neighbours only
  function Occupied() { this.cells = new Map(); }
  Occupied.CELL = 64;
  Occupied.prototype.keys = function (b, fn) {
    var c = Occupied.CELL;
    for (var i = Math.floor(b.x / c); i <= Math.floor((b.x + b.w) / c); i++)
      for (var j = Math.floor(b.y / c); j <= Math.floor((b.y + b.h) / c); j++) fn(i + "," + j);
  };
  Occupied.prototype.hits = function (b) {
    var cells = this.cells, hit = false;
    this.keys(b, function (k) {
      var list = cells.get(k);
      if (!hit && list) hit = list.some(function (o) { return overlaps(o, b); });
    });
    return hit;
  };
  Occupied.prototype.add = function (b) {
    var cells = this.cells;
    this.keys(b, function (k) { var list = cells.get(k); if (list) list.push(b); else cells.set(k, [b]); });
  };
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }

  function drawNames(ctx) {
    var t = screenTransform(), hood = view.neighbourhood;
    // a name budget that grows with the drawing's area, so a fitted big graph is not a carpet
    var budget = Math.max(15, Math.round(container.clientWidth * container.clientHeight / 9000)), shown = 0;
    var width = container.clientWidth, height = container.clientHeight;
    var taken = new Occupied(), boxes = [], edgeBoxes = [];
    var selected = new Set(network.getSelectedNodes());
    // the panels over the drawing (legend, export buttons) cover names: keep out from under them
    var frame = container.getBoundingClientRect();
    Array.prototype.forEach.call(container.parentNode.children, function (panel) {
      if (panel === container) return;
      var r = panel.getBoundingClientRect();
      if (r.width && r.height) taken.add({ x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height });
    });
    ctx.save();
    ctx.setTransform(t.ratio, 0, 0, t.ratio, 0, 0);
    ctx.textAlign = "center"; ctx.textBaseline = "top"; ctx.lineJoin = "round"; ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    // the relation labels vis-network drew (font 11 scaled with the view, at the middle of the line)
    labelled.forEach(function (id) {
      var e = model.edgeById.get(id), a = drawnNode(network, e.from), b = drawnNode(network, e.to);
      if (!a || !b || !visible.edges.has(id)) return;
      var size = 11 * t.scale, text = model.predicateLabel[e.predicate];
      if (size < 7) return;  // too small: vis-network skips it (the edges' drawThreshold, 8, less 1)
      var w = textWidth(ctx, text, Math.max(size, 1), false) + 4, h = size + 4;
      var cx = (a.x + b.x) / 2 * t.scale + t.tx, cy = (a.y + b.y) / 2 * t.scale + t.ty;
      // the label runs along the line ("align: middle"): take the box around the turned text
      var angle = Math.atan2(b.y - a.y, b.x - a.x), cos = Math.abs(Math.cos(angle)), sin = Math.abs(Math.sin(angle));
      var bw = w * cos + h * sin, bh = w * sin + h * cos;
      var box = { id: id, text: text, x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh, angle: angle, size: size };
      taken.add(box); edgeBoxes.push(box);
    });
    // the selected entity first, then the rest of its neighbourhood, then the others by rank
    var first = hood ? byRank.filter(function (n) { return hood.nodes.has(n.id); }) : [];
    first.forEach(function (n) { if (selected.has(n.id)) place(n, true, true); });
    first.forEach(function (n) { if (!selected.has(n.id)) place(n, true, false); });
    for (var i = 0; i < byRank.length && shown < budget; i++) {
      if (!hood || !hood.nodes.has(byRank[i].id)) place(byRank[i], false, false);
    }
    ctx.restore();
    view.labelBoxes = boxes;
    view.edgeLabelBoxes = edgeBoxes;

    // Name entity n below it or, if that place is taken, above, right or left of it; a name that
    // fits nowhere is skipped, unless `force` (the selected entity), which is then named below.
    function place(n, inHood, force) {
      if (!visible.nodes.has(n.id)) return;
      var node = drawnNode(network, n.id);
      if (!node) return;
      var sx = node.x * t.scale + t.tx, sy = node.y * t.scale + t.ty;
      if (sx < -150 || sx > width + 150 || sy < -60 || sy > height + 20) return;
      var importance = 1 - n.rank / last;
      var size = Math.round(11 + 3 * importance), bold = selected.has(n.id) || n.rank < 10;
      var text = shortName(n.label), w = textWidth(ctx, text, size, bold) + 4, h = size + 4, r = n.size * t.scale + 2;
      var spots = [[sx - w / 2, sy + r], [sx - w / 2, sy - r - h], [sx + r, sy - h / 2], [sx - r - w, sy - h / 2]];
      var box = null;
      for (var k = 0; k < spots.length && !box; k++) {
        var b = { id: n.id, text: text, x: spots[k][0], y: spots[k][1], w: w, h: h, size: size, bold: bold, dim: !!hood && !inHood };
        if (b.x + b.w < 0 || b.x > width || b.y + b.h < 0 || b.y > height) continue;
        if (!taken.hits(b)) box = b;
      }
      if (!box && force) box = { id: n.id, text: text, x: spots[0][0], y: spots[0][1], w: w, h: h, size: size, bold: bold, dim: false };
      if (!box) return;
      taken.add(box); boxes.push(box);
      ctx.font = (bold ? "600 " : "") + size + "px " + FACE;
      ctx.fillStyle = box.dim ? "rgba(26, 32, 44, 0.3)" : "#1a202c";
      ctx.strokeText(text, box.x + w / 2, box.y + 2);
      ctx.fillText(text, box.x + w / 2, box.y + 2);
      shown += 1;
    }
  }
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

  // ---- export: the current view, as drawn ----
  // PNG: the canvas as it is (names included), on white.
  view.exportPng = function (name) {
    var canvas = container.querySelector("canvas"), copy = document.createElement("canvas");
    copy.width = canvas.width; copy.height = canvas.height;
    var ctx = copy.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, copy.width, copy.height);
    ctx.drawImage(canvas, 0, 0);
    copy.toBlob(function (blob) { download(blob, name || "graph.png"); }, "image/png");
  };
  // SVG: the entities and relations in view, the names shown and the relation labels shown, at
  // their screen positions; built as DOM (names as text nodes) and serialised.
  view.exportSvg = function (name) {
    download(new Blob([svgText()], { type: "image/svg+xml" }), name || "graph.svg");
  };
  view.svgText = svgText;
  function svgText() {
    var width = container.clientWidth, height = container.clientHeight, scale = network.getScale();
    var origin = network.canvasToDOM({ x: 0, y: 0 }), hood = view.neighbourhood;
    function at(node) { return { x: node.x * scale + origin.x, y: node.y * scale + origin.y }; }
    function inView(p, margin) { return p.x > -margin && p.x < width + margin && p.y > -margin && p.y < height + margin; }
    var svg = svgElement("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                            "font-family": "system-ui, sans-serif" });
    var defs = svgElement("defs", {}, svg), marker = svgElement("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" }, defs);
    svgElement("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa5b1" }, marker);
    svgElement("rect", { width: width, height: height, fill: "#ffffff" }, svg);
    var edges = svgElement("g", { "class": "relations" }, svg), nodes = svgElement("g", { "class": "entities" }, svg);
    DATA.edges.forEach(function (e) {
      var a = drawnNode(network, e.from), b = drawnNode(network, e.to);
      if (!visible.edges.has(e.id) || !a || !b) return;
      var p = at(a), q = at(b);
      if (!inView(p, 0) && !inView(q, 0)) return;
      var length = Math.hypot(q.x - p.x, q.y - p.y) || 1, r = model.nodeById.get(e.to).size * scale;
      var line = svgElement("line", { x1: p.x.toFixed(1), y1: p.y.toFixed(1),
        x2: (q.x - (q.x - p.x) / length * r).toFixed(1), y2: (q.y - (q.y - p.y) / length * r).toFixed(1),
        stroke: e.disputed ? "#c53030" : "#9aa5b1", "stroke-width": Math.max(0.5, e.width * Math.min(scale, 1)).toFixed(2),
        "marker-end": "url(#arrow)" }, edges);
      if (e.disputed) line.setAttribute("stroke-dasharray", "8 5");
      if (hood && !hood.edges.has(e.id)) line.setAttribute("opacity", "0.25");
    });
    DATA.nodes.forEach(function (n) {
      var node = drawnNode(network, n.id);
      if (!visible.nodes.has(n.id) || !node) return;
      var p = at(node), r = n.size * scale;
      if (!inView(p, r)) return;
      var style = model.typeStyle[n.type] || { color: "#7f7f7f", shape: "dot" };
      var shape = shapeElement(style.shape, p.x, p.y, r);
      shape.setAttribute("fill", style.color);
      shape.setAttribute("stroke", "rgba(0,0,0,.35)");
      if (hood && !hood.nodes.has(n.id)) shape.setAttribute("opacity", "0.25");
      nodes.appendChild(shape);
    });
    var texts = svgElement("g", { "class": "labels", "stroke": "#ffffff", "stroke-width": 3, "paint-order": "stroke",
                            "stroke-linejoin": "round" }, svg);
    view.edgeLabelBoxes.forEach(function (box) {
      // turned along the line, never upside down (as vis-network draws it)
      var degrees = box.angle * 180 / Math.PI;
      if (degrees > 90) degrees -= 180; else if (degrees < -90) degrees += 180;
      var text = svgElement("text", { transform: "translate(" + (box.x + box.w / 2).toFixed(1) + "," + (box.y + box.h / 2).toFixed(1) +
        ") rotate(" + degrees.toFixed(1) + ")", "text-anchor": "middle", "dominant-baseline": "central",
        "font-size": box.size.toFixed(1), fill: "#4a5568" }, texts);
      text.textContent = box.text;
    });
    view.labelBoxes.forEach(function (box) {
      var text = svgElement("text", { x: (box.x + box.w / 2).toFixed(1), y: (box.y + 2).toFixed(1), "text-anchor": "middle",
        "dominant-baseline": "hanging", "font-size": box.size, fill: box.dim ? "#a0a7b1" : "#1a202c" }, texts);
      if (box.bold) text.setAttribute("font-weight", "600");
      text.textContent = box.text;
    });
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }
  return view;
}
