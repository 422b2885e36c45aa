// ---- graph-timeline.js: the statements of the selection along time, one lane per speaker --------
// Each statement is drawn over the days its date covers (page_evidence.date_span): a day as a
// point, a month, a year or a part of a year ("late 2016": September-December) as a bar of that
// length. A day without a year and an undated statement cannot be placed in time, so they sit in
// lanes of their own, in order, never at a guessed date. Only the rows in view are drawn (SVG,
// redrawn on scroll), so a few thousand statements stay smooth.
// passes(edge, statement) says whether the filters let a statement through; hooks.choose(item)
// is called when the reader picks a statement (click or Enter).
function createTimeline(model, passes, hooks) {
  var LEFT = 170, RIGHT = 16, ROW = 20, AXIS = 26, GAP = 4, CHIP = 12;
  var DAY_MS = 86400000;
  var scroller = document.getElementById("tl-scroll");
  var svg = document.getElementById("tl-svg");
  var axisSvg = document.getElementById("tl-axis");
  var spacer = document.getElementById("tl-spacer");
  var status = document.getElementById("tl-status");
  var bySpeaker = document.getElementById("tl-by-speaker"), byArticle = document.getElementById("tl-by-article");
  var state = { mode: "speaker", subject: null, rows: [], items: [], scale: null, current: null,
                selectedEdge: null, drawn: false, firstDrawMs: null, lastDrawMs: null, drawnMarks: 0 };
  var pending = false;

  function utc(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function groupKey(item) {
    if (state.mode === "article") {
      var a = model.articleOf(item.s.article);
      return a ? a.label : "article not available";
    }
    return item.s.speaker || "speaker not given";
  }

  // The statements of the subject (an entity, a relation, or everything shown), filtered.
  function collect() {
    var edges;
    if (state.subject && state.subject.edge) edges = [model.edgeById.get(state.subject.edge)];
    else if (state.subject && state.subject.node) edges = model.incident.get(state.subject.node) || [];
    else edges = model.data.edges;
    var items = [];
    edges.forEach(function (e) {
      e.statements.forEach(function (s, index) {
        if (!passes(e, s)) return;
        var item = { e: e, s: s, index: index, t0: null, t1: null };
        if (s.span) { item.t0 = utc(s.span[0]); item.t1 = utc(s.span[1]); }
        items.push(item);
      });
    });
    return items;
  }

  // Rows: per group (sorted by name, the "not given" group last), its timed statements packed
  // into as few rows as do not overlap at this width; then the two lanes of what has no place in
  // time, as fixed-size chips in order.
  function layout() {
    var items = collect();
    var width = Math.max(scroller.clientWidth, LEFT + 200);
    var timed = items.filter(function (i) { return i.t0 !== null; });
    var d0 = Infinity, d1 = -Infinity;
    timed.forEach(function (i) { d0 = Math.min(d0, i.t0); d1 = Math.max(d1, i.t1); });
    if (!timed.length) { d0 = 0; d1 = 1; }
    var pad = Math.max((d1 - d0) * 0.02, 15 * DAY_MS);
    var scale = { d0: d0 - pad, d1: d1 + pad, left: LEFT, width: width - LEFT - RIGHT };
    function x(t) { return scale.left + (t - scale.d0) / (scale.d1 - scale.d0) * scale.width; }
    scale.x = x;
    var groups = new Map();
    timed.forEach(function (i) {
      var k = groupKey(i);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(i);
    });
    var names = Array.from(groups.keys()).sort(function (a, b) {
      var na = /not (given|available)$/.test(a), nb = /not (given|available)$/.test(b);
      return na !== nb ? (na ? 1 : -1) : a.localeCompare(b);
    });
    var rows = [];
    names.forEach(function (name) {
      var list = groups.get(name).sort(function (a, b) { return a.t0 - b.t0 || a.t1 - b.t1; });
      var ends = [];  // per packed row, the x where its last mark ends
      var first = rows.length;
      list.forEach(function (i) {
        var x0 = x(i.t0), x1 = Math.max(x(i.t1), x0 + 3);
        if (i.s.precision === "day") { x0 -= 5; x1 = x0 + 10; }
        i.x0 = x0; i.x1 = x1;
        var r = 0;
        while (r < ends.length && ends[r] + GAP > x0) r++;
        if (r === ends.length) { ends.push(0); rows.push({ label: r ? "" : name, group: name, items: [] }); }
        ends[r] = x1;
        rows[first + r].items.push(i);
      });
    });
    function lane(label, list) {
      if (!list.length) return;
      list.sort(function (a, b) { return groupKey(a).localeCompare(groupKey(b)) || String(a.s.date).localeCompare(String(b.s.date)); });
      var perRow = Math.max(1, Math.floor(scale.width / (CHIP + GAP)));
      for (var k = 0; k < list.length; k += perRow) {
        var row = { label: k ? "" : label, group: label, lane: true, items: list.slice(k, k + perRow) };
        row.items.forEach(function (i, n) { i.x0 = scale.left + n * (CHIP + GAP); i.x1 = i.x0 + CHIP; });
        rows.push(row);
      }
    }
    lane("Day given, year not", items.filter(function (i) { return i.t0 === null && i.s.date; }));
    lane("Date not given", items.filter(function (i) { return i.t0 === null && !i.s.date; }));
    var order = [];
    rows.forEach(function (row, r) { row.items.forEach(function (i) { i.row = r; i.pos = order.length; order.push(i); }); });
    state.rows = rows; state.items = order; state.scale = scale;
    spacer.style.height = (rows.length * ROW + 8) + "px";
    if (state.current && order.indexOf(state.current) < 0) {
      // the same statement after a re-layout is a new item object
      var same = order.filter(function (i) { return i.s === state.current.s; })[0];
      state.current = same || null;
    }
    var what = state.subject ? (state.subject.edge ? "this relation" : model.labelOf(state.subject.node)) : "everything shown";
    status.textContent = plural(order.length, "statement", "statements") + " · " + what;
  }

  function svgEl(tag, attrs, className) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (className) node.setAttribute("class", className);
    return node;
  }
  function describe(i) {
    return model.labelOf(i.e.from) + " " + model.predicateLabel[i.e.predicate] + " " + model.labelOf(i.e.to) +
      " — " + (i.s.when || "date not given") + " — " + (i.s.speaker || "speaker not given") + ": “" + i.s.quote + "”";
  }

  function drawAxis() {
    clear(axisSvg);
    var sc = state.scale, width = sc.left + sc.width + RIGHT;
    axisSvg.setAttribute("width", width); axisSvg.setAttribute("height", AXIS);
    axisSvg.appendChild(svgEl("line", { x1: sc.left, x2: sc.left + sc.width, y1: AXIS - 1, y2: AXIS - 1 }, "tl-axis-line"));
    var years = (sc.d1 - sc.d0) / (365.25 * DAY_MS), room = Math.max(1, sc.width / 70);
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500];
    var step = steps.filter(function (s) { return years / s <= room; })[0] || 1000;
    var months = years * 12 <= room ? (years * 12 / 3 <= room ? 1 : 3) : 0;
    var start = new Date(sc.d0), y0 = start.getUTCFullYear();
    for (var y = y0; Date.UTC(y, 0, 1) <= sc.d1; y++) {
      for (var m = 0; m < 12; m += months || 12) {
        if (!months && y % step) continue;
        var t = Date.UTC(y, m, 1);
        if (t < sc.d0 || t > sc.d1) continue;
        var x = sc.x(t);
        axisSvg.appendChild(svgEl("line", { x1: x, x2: x, y1: AXIS - 7, y2: AXIS - 1 }, "tl-tick"));
        var label = svgEl("text", { x: x + 2, y: AXIS - 10 }, "tl-tick-label");
        label.textContent = m ? MONTH_NAMES[m] + " " + y : String(y);
        axisSvg.appendChild(label);
      }
    }
  }

  // Draw the rows in view (and a few either side) into the SVG, which sits at the scroll offset.
  function draw() {
    pending = false;
    var started = performance.now();
    var sc = state.scale, top = scroller.scrollTop, height = scroller.clientHeight;
    var r0 = Math.max(0, Math.floor(top / ROW) - 3), r1 = Math.min(state.rows.length, Math.ceil((top + height) / ROW) + 3);
    clear(svg);
    svg.setAttribute("width", sc.left + sc.width + RIGHT);
    svg.setAttribute("height", Math.max(0, (r1 - r0) * ROW));
    svg.style.top = (r0 * ROW) + "px";
    var marks = 0;
    for (var r = r0; r < r1; r++) {
      var row = state.rows[r], y = (r - r0) * ROW;
      if (row.label) {
        svg.appendChild(svgEl("line", { x1: 0, x2: sc.left + sc.width, y1: y + 0.5, y2: y + 0.5 }, "tl-rule"));
        var name = svgEl("text", { x: 6, y: y + 14 }, row.lane ? "tl-lane-name tl-special" : "tl-lane-name");
        name.textContent = row.label.length > 24 ? row.label.slice(0, 23) + "…" : row.label;
        var full = document.createElementNS(SVG_NS, "title");
        full.textContent = row.label;
        name.appendChild(full);
        svg.appendChild(name);
      }
      row.items.forEach(function (i) { svg.appendChild(mark(i, y)); marks++; });
    }
    state.drawnMarks = marks;
    state.lastDrawMs = performance.now() - started;
  }
  function mark(i, y) {
    var s = i.s, node, cls = "tl-mark";
    if (i.t0 === null) {
      node = svgEl("rect", { x: i.x0, y: y + 4, width: CHIP, height: CHIP - 2, rx: s.date ? 2 : 6 });
      cls += s.date ? " tl-noyear" : " tl-undated";
    } else if (s.precision === "day") {
      node = svgEl("circle", { cx: (i.x0 + i.x1) / 2, cy: y + ROW / 2, r: 5 });
      cls += " tl-point";
    } else {
      node = svgEl("rect", { x: i.x0, y: y + 5, width: i.x1 - i.x0, height: ROW - 10, rx: 2 });
      cls += " tl-span";
    }
    if (s.disputes) cls += " tl-disputed";
    if (state.selectedEdge === i.e.id) cls += " tl-of-selected";
    if (state.current && state.current.s === s) cls += " tl-current";
    node.setAttribute("class", cls);
    node.setAttribute("data-pos", i.pos);
    node.setAttribute("role", "button");
    node.setAttribute("tabindex", (state.current ? state.current.s === s : i.pos === 0) ? "0" : "-1");
    node.setAttribute("aria-label", describe(i));
    var tip = document.createElementNS(SVG_NS, "title");
    tip.textContent = describe(i);
    node.appendChild(tip);
    return node;
  }
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(draw); } }

  function render() {
    var started = performance.now();
    layout();
    drawAxis();
    draw();
    if (!state.drawn) { state.drawn = true; state.firstDrawMs = performance.now() - started; state.firstDrawAt = performance.now(); }
  }

  // Make item the current one: scroll its row into view, draw, and (optionally) focus its mark.
  function setCurrent(item, focus) {
    state.current = item;
    if (!item) { draw(); return; }
    var y = item.row * ROW;
    if (y < scroller.scrollTop || y + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = Math.max(0, y - ROW * 2);
    draw();
    if (focus) {
      var node = svg.querySelector('[data-pos="' + item.pos + '"]');
      if (node) node.focus();
    }
  }
  function itemOf(node) {
    var target = node && node.closest ? node.closest(".tl-mark") : null;
    return target ? state.items[Number(target.getAttribute("data-pos"))] : null;
  }
  function nearestIn(row, x) {
    var best = null;
    (state.rows[row] ? state.rows[row].items : []).forEach(function (i) {
      if (!best || Math.abs(i.x0 - x) < Math.abs(best.x0 - x)) best = i;
    });
    return best;
  }

  svg.addEventListener("click", function (event) {
    var item = itemOf(event.target);
    if (item) { setCurrent(item, true); hooks.choose(item); }
  });
  svg.addEventListener("keydown", function (event) {
    var item = itemOf(event.target) || state.current;
    if (!item) return;
    var next = null;
    if (event.key === "Enter" || event.key === " ") { hooks.choose(item); event.preventDefault(); return; }
    if (event.key === "ArrowRight") next = state.items[item.pos + 1];
    else if (event.key === "ArrowLeft") next = state.items[item.pos - 1];
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      for (var r = item.row + (event.key === "ArrowDown" ? 1 : -1); r >= 0 && r < state.rows.length && !next; r += event.key === "ArrowDown" ? 1 : -1) {
        next = nearestIn(r, item.x0);
      }
    } else if (event.key === "Home") next = state.items[0];
    else if (event.key === "End") next = state.items[state.items.length - 1];
    else return;
    event.preventDefault();
    if (next) setCurrent(next, true);
  });
  scroller.addEventListener("scroll", schedule);
  window.addEventListener("resize", function () { if (state.drawn) render(); });
  function setMode(mode) {
    state.mode = mode;
    bySpeaker.setAttribute("aria-pressed", String(mode === "speaker"));
    byArticle.setAttribute("aria-pressed", String(mode === "article"));
    render();
  }
  bySpeaker.addEventListener("click", function () { setMode("speaker"); });
  byArticle.addEventListener("click", function () { setMode("article"); });

  return {
    state: state,
    render: render,
    // what the timeline is about: {node: id}, {edge: id} or null (everything shown)
    show: function (subject) { state.subject = subject; state.selectedEdge = subject && subject.edge || null; scroller.scrollTop = 0; render(); },
    // the statement chosen elsewhere (the details panel): its relation, that statement current
    showStatement: function (edgeId, s) {
      state.subject = { edge: edgeId }; state.selectedEdge = edgeId; render();
      setCurrent(state.items.filter(function (i) { return i.s === s; })[0] || null, false);
    },
    setMode: setMode,
    // the relation selected in the graph: its statements are outlined
    markEdge: function (edgeId) { state.selectedEdge = edgeId; draw(); }
  };
}

var MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
