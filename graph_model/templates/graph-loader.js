// ---- graph-loader.js: items into vis-network in slices, without blocking the page -------------
// The ONE place that touches vis-network internals. Checked against vis-network 9.1.2, the copy
// pyvis 0.3.2 ships (render.VIS_NETWORK_VERSION / PYVIS_VERSION); on another version, rerun
// tests/test_browser.py::test_large_graph_loads_in_slices_then_works and bench/render_bench.py.
//
// Why internals: vis-network spends ~0.05-0.1 ms building each item, and after every add it
// redraws and rescans every item it has (its "_dataChanged" event recomputes everything from
// scratch). Its public API offers no way around either: adding 50,000 items at once blocks the
// page for seconds, and adding them in slices through the public DataSet costs a full rescan per
// slice. So the items go in through short tasks of about SLICE_MS each, with redrawing blocked
// ("_blockRedraw" / "_allowRedraw" / "_requestRedraw", the events vis-network itself uses around
// bulk work) and "_dataChanged" held back until the end of each job, by wrapping the network's
// internal emitter; with `measure`, each node's label is measured as it comes (Node.resize)
// rather than all in the first frame. No task blocks the page for long.
//
// jobs: [{set: DataSet, items: [...], batch: first batch size, measure: bool}], added in order.
// options.paintBetween: after each job but the last, show a frame before going on (a large graph
//   shows its entities before its relations load).
// options.beforeFrame(last): called just before each requested frame (and the final one).
// options.done(): called in a task of its own after the final frame.
function loadInSlices(network, jobs, options) {
  var SLICE_MS = 120;
  var emitter = network.body.emitter;
  var emit = emitter.emit, holding = false, held = false;
  emitter.emit = function (name) {
    if (holding && name === "_dataChanged") { held = true; return this; }
    return emit.apply(this, arguments);
  };
  var current = 0, pos = 0;

  function measure(batch) {
    var ctx = network.canvas.getContext(), nodes = network.body.nodes;
    batch.forEach(function (item) { if (nodes[item.id]) nodes[item.id].resize(ctx); });
  }
  function release() {
    holding = false;
    if (held) { held = false; emitter.emit("_dataChanged"); }
  }
  // job `index` is complete; returns true when a frame was requested, which must be drawn before
  // the next slice blocks redrawing again
  function finish(index) {
    var last = index === jobs.length - 1;
    if (!last && !options.paintBetween) return false;
    release();
    if (last) emitter.emit = emit;
    options.beforeFrame(last);
    emitter.emit("_allowRedraw");
    emitter.emit("_requestRedraw");
    if (last) afterPaint(options.done);
    return true;
  }
  function slice() {
    var start = performance.now();
    emitter.emit("_blockRedraw");
    holding = true;
    while (current < jobs.length) {
      var job = jobs[current];
      var before = performance.now();
      var batch = job.items.slice(pos, pos + job.batch);
      job.set.add(batch);
      if (job.measure) measure(batch);
      pos += batch.length;
      // size the next batch to take about a third of a slice on this machine
      var perItem = (performance.now() - before) / Math.max(batch.length, 1);
      job.batch = Math.max(50, Math.min(20000, Math.round(SLICE_MS / 3 / Math.max(perItem, 1e-3))));
      if (pos >= job.items.length) {
        current += 1;
        pos = 0;
        if (finish(current - 1)) {
          if (current < jobs.length) afterPaint(slice);
          return;
        }
      }
      if (performance.now() - start > SLICE_MS * 2 / 3) break;
    }
    // a new task, so that input events can come in between slices
    if (current < jobs.length) setTimeout(slice, 0);
  }
  // after the next frame (vis-network's draw is already queued for it), in a task of its own
  function afterPaint(fn) { requestAnimationFrame(function () { setTimeout(fn, 0); }); }
  slice();
}

// The drawn entity `id` (vis-network's own Node, whose x/y follow any drag), or undefined before
// it is loaded. Read every frame by the label layer: network.getPositions() would build an object
// of every position per frame.
function drawnNode(network, id) { return network.body.nodes[id]; }

// Draw these relations and entities again, over what vis-network has drawn (the neighbourhood of
// the selection, over the veil that dims the rest). Node.draw / Edge.draw + drawArrows are what
// vis-network's own CanvasRenderer calls per item.
function redrawItems(network, ctx, nodeIds, edgeIds) {
  var nodes = network.body.nodes, edges = network.body.edges;
  edgeIds.forEach(function (id) { var e = edges[id]; if (e && e.connected) { e.draw(ctx); e.drawArrows(ctx); } });
  nodeIds.forEach(function (id) { if (nodes[id]) nodes[id].draw(ctx); });
}
