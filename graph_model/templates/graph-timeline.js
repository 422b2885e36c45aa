// ---- graph-timeline.js: the statements of the selection along time, one lane per speaker --------
// Each statement is drawn over the days its date covers (page_evidence.date_span): a day as a
// point, a month, a year or a part of a year ("late 2016": September-December) as a bar of that
// length. A day without a year and an undated statement cannot be placed in time, so they sit in
// lanes of their own, in order, never at a guessed date. Only the rows in view are drawn (SVG,
// redrawn on scroll), so a few thousand statements stay smooth.
// Same-day statements of one lane are one mark with their count (a column of thirty points says
// only "many"); activating it lists them, each a button that opens its evidence.
// passes(edge, statement) says whether the filters let a statement through; hooks.choose(item)
// is called when the reader picks a statement (click or Enter).
function createTimeline(model, passes, hooks) {
  var LEFT = 170, RIGHT = 16, ROW = 20, AXIS = 26, GAP = 4, CHIP = 12, GROUP_R = 9, LIST_W = 420;
  var DAY_MS = 86400000;
  var scroller = document.getElementById("tl-scroll");
  var svg = document.getElementById("tl-svg");
  var axisSvg = document.getElementById("tl-axis");
  var spacer = document.getElementById("tl-spacer");
  var status = document.getElementById("tl-status");
  var bySpeaker = document.getElementById("tl-by-speaker"), byArticle = document.getElementById("tl-by-article");
  // items: the marks in reading order (a statement, or a group with .members); statements: every
  // statement (a grouped one has .group). current: a statement or a group; openGroup: a group's key.
  var state = { mode: "speaker", subject: null, rows: [], items: [], statements: [], scale: null, current: null,
                openGroup: null, selectedEdge: null, drawn: false, firstDrawMs: null, lastDrawMs: null, drawnMarks: 0 };
  var pending = false;
  var listBox = null;  // the open group's list of statements (HTML, so its buttons are ordinary buttons)

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
      var list = bundle(groups.get(name).sort(function (a, b) { return a.t0 - b.t0 || a.t1 - b.t1; }), name);
      var ends = [];  // per packed row, the x where its last mark ends
      var first = rows.length;
      list.forEach(function (i) {
        var x0 = x(i.t0), x1 = Math.max(x(i.t1), x0 + 3);
        if (i.members) { x0 -= GROUP_R; x1 = x0 + 2 * GROUP_R; }
        else if (i.s.precision === "day") { x0 -= 5; x1 = x0 + 10; }
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
    state.rows = rows; state.items = order; state.statements = items; state.scale = scale;
    spacer.style.height = (rows.length * ROW + 8) + "px";
    if (state.current) {
      // the same statement (or group) after a re-layout is a new item object
      var old = state.current;
      state.current = (old.members ? order.filter(function (i) { return i.key === old.key; })
                                   : items.filter(function (i) { return i.s === old.s; }))[0] || null;
    }
    var what = state.subject ? (state.subject.edge ? "this relation" : model.labelOf(state.subject.node)) : "everything shown";
    status.textContent = plural(items.length, "statement", "statements") + " · " + what;
  }

  // A lane's statements sorted by time, with each run of two or more on the same day made one
  // group {members, key, t0, t1}; day statements of one day have the same span, so they are adjacent.
  function bundle(list, name) {
    var out = [];
    list.forEach(function (i) {
      var last = out[out.length - 1];
      var sameDay = i.s.precision === "day" && last && last.t0 === i.t0 && (last.members || last.s.precision === "day");
      if (!sameDay) { out.push(i); return; }
      if (!last.members) {
        last = { members: [last], key: name + "|" + last.t0, lane: name, t0: last.t0, t1: last.t1, e: null, s: null };
        last.members[0].group = last;
        out[out.length - 1] = last;
      }
      i.group = last;
      last.members.push(i);
    });
    return out;
  }
  function markOf(item) { return item.group || item; }

  function svgEl(tag, attrs, className) {
    var node = svgElement(tag, attrs);
    if (className) node.setAttribute("class", className);
    return node;
  }
  function describe(i) {
    if (i.members) {
      return plural(i.members.length, "statement", "statements") + " on " + (i.members[0].s.when || "the same day") +
        " — " + i.lane + "; Enter lists them";
    }
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
    var current = !!state.current && (state.current === i || state.current.group === i);
    if (i.members) {
      node = svgEl("g", {});
      node.appendChild(svgEl("circle", { cx: (i.x0 + i.x1) / 2, cy: y + ROW / 2, r: GROUP_R }));
      var count = svgEl("text", { x: (i.x0 + i.x1) / 2, y: y + ROW / 2 + 3.5 }, "tl-count");
      count.textContent = i.members.length > 99 ? "99+" : String(i.members.length);
      node.appendChild(count);
      cls += " tl-group";
      if (i.members.some(function (m) { return m.s.disputes; })) cls += " tl-disputed";
      if (i.members.some(function (m) { return m.e.id === state.selectedEdge; })) cls += " tl-of-selected";
      node.setAttribute("aria-haspopup", "true");
      node.setAttribute("aria-expanded", String(state.openGroup === i.key));
    } else if (i.t0 === null) {
      node = svgEl("rect", { x: i.x0, y: y + 4, width: CHIP, height: CHIP - 2, rx: s.date ? 2 : 6 });
      cls += s.date ? " tl-noyear" : " tl-undated";
    } else if (s.precision === "day") {
      node = svgEl("circle", { cx: (i.x0 + i.x1) / 2, cy: y + ROW / 2, r: 5 });
      cls += " tl-point";
    } else {
      node = svgEl("rect", { x: i.x0, y: y + 5, width: i.x1 - i.x0, height: ROW - 10, rx: 2 });
      cls += " tl-span";
    }
    if (s && s.disputes) cls += " tl-disputed";
    if (s && state.selectedEdge === i.e.id) cls += " tl-of-selected";
    if (current) cls += " tl-current";
    node.setAttribute("class", cls);
    node.setAttribute("data-pos", i.pos);
    node.setAttribute("role", "button");
    node.setAttribute("tabindex", (state.current ? current : i.pos === 0) ? "0" : "-1");
    node.setAttribute("aria-label", describe(i));
    var tip = document.createElementNS(SVG_NS, "title");
    tip.textContent = describe(i);
    node.appendChild(tip);
    return node;
  }
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(draw); } }

  // The list of a group's statements, under its mark (it scrolls with the lanes). Each is a button:
  // click or Enter opens its evidence and keeps the list open; Escape goes back to the mark.
  function openList(group, focusItem) {
    closeList();
    state.openGroup = group.key;
    listBox = document.createElement("div");
    listBox.className = "tl-list";
    listBox.setAttribute("role", "group");
    listBox.setAttribute("aria-label", describe(group));
    var head = document.createElement("div");
    head.className = "tl-list-head";
    head.textContent = plural(group.members.length, "statement", "statements") + " · " +
      (group.members[0].s.when || "") + " · " + group.lane;
    listBox.appendChild(head);
    group.members.forEach(function (m) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "tl-list-item";
      b.textContent = model.labelOf(m.e.from) + " " + model.predicateLabel[m.e.predicate] + " " +
        model.labelOf(m.e.to) + ": “" + m.s.quote + "”";
      b.setAttribute("title", describe(m));
      if (m === state.current) b.setAttribute("aria-current", "true");
      b.addEventListener("click", function () {
        listBox.querySelectorAll("[aria-current]").forEach(function (o) { o.removeAttribute("aria-current"); });
        b.setAttribute("aria-current", "true");
        state.current = m;
        draw();
        hooks.choose(m);
      });
      listBox.appendChild(b);
    });
    listBox.addEventListener("keydown", function (event) {
      var buttons = Array.from(listBox.querySelectorAll("button")), at = buttons.indexOf(document.activeElement);
      if (event.key === "Escape") { closeList(); setCurrent(group, true); }
      else if (event.key === "ArrowDown" && at >= 0) buttons[Math.min(at + 1, buttons.length - 1)].focus();
      else if (event.key === "ArrowUp" && at >= 0) buttons[Math.max(at - 1, 0)].focus();
      else return;
      event.preventDefault();
    });
    var sc = state.scale;
    listBox.style.top = ((group.row + 1) * ROW) + "px";
    listBox.style.left = Math.max(4, Math.min(group.x0, sc.left + sc.width - LIST_W)) + "px";
    scroller.appendChild(listBox);
    draw();
    if (focusItem) {
      var chosen = group.members.indexOf(state.current);
      listBox.querySelectorAll("button")[Math.max(0, chosen)].focus();
    }
  }
  function closeList() {
    if (listBox) listBox.remove();
    listBox = null;
    state.openGroup = null;
  }

  function render() {
    var started = performance.now();
    closeList();
    layout();
    drawAxis();
    draw();
    if (!state.drawn) { state.drawn = true; state.firstDrawMs = performance.now() - started; state.firstDrawAt = performance.now(); }
  }

  // Make item the current one: scroll its row into view, draw, and (optionally) focus its mark.
  function setCurrent(item, focus) {
    state.current = item;
    if (!item) { draw(); return; }
    var y = markOf(item).row * ROW;
    if (y < scroller.scrollTop || y + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = Math.max(0, y - ROW * 2);
    draw();
    if (focus) {
      var node = svg.querySelector('[data-pos="' + markOf(item).pos + '"]');
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
    if (!item) return;
    if (item.members) {
      var wasOpen = state.openGroup === item.key;
      setCurrent(item, true);
      if (wasOpen) { closeList(); draw(); } else openList(item, false);
      return;
    }
    closeList();
    setCurrent(item, true);
    hooks.choose(item);
  });
  svg.addEventListener("keydown", function (event) {
    var item = itemOf(event.target) || (state.current && markOf(state.current));
    if (!item) return;
    var next = null;
    if (event.key === "Enter" || event.key === " ") {
      if (item.members) openList(item, true); else hooks.choose(item);
      event.preventDefault();
      return;
    }
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
      setCurrent(state.statements.filter(function (i) { return i.s === s; })[0] || null, false);
    },
    setMode: setMode,
    // the relation selected in the graph: its statements are outlined
    markEdge: function (edgeId) { state.selectedEdge = edgeId; draw(); }
  };
}

var MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
