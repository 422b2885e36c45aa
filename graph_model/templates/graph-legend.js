// ---- graph-legend.js: the legend, and the type shapes the filters, details and export share ---
// Shapes are drawn as SVG from fixed constants; the colour comes from the type's style in the
// data, set as an attribute (never markup).
function swatch(model, type, size) {
  var style = model.typeStyle[type] || { color: "#7f7f7f", shape: "dot" };
  var s = size || 16, h = s / 2, svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", s); svg.setAttribute("height", s);
  svg.setAttribute("viewBox", "0 0 " + s + " " + s);
  svg.setAttribute("class", "swatch");
  svg.setAttribute("aria-hidden", "true");
  var shape = shapeElement(style.shape, h, h, h - 1.5);
  shape.setAttribute("fill", style.color);
  shape.setAttribute("stroke", "rgba(0,0,0,.35)");
  svg.appendChild(shape);
  return svg;
}

// An SVG element drawing vis-network's `shape` centred on (cx, cy) with radius r (the legend's
// swatches and the exported picture share it).
function shapeElement(shape, cx, cy, r) {
  function polygon(points) {
    var element = document.createElementNS(SVG_NS, "polygon");
    element.setAttribute("points", points.map(function (p) { return p[0].toFixed(2) + "," + p[1].toFixed(2); }).join(" "));
    return element;
  }
  var points = [], i;
  if (shape === "square") {
    var square = document.createElementNS(SVG_NS, "rect");
    square.setAttribute("x", cx - r * 0.85); square.setAttribute("y", cy - r * 0.85);
    square.setAttribute("width", r * 1.7); square.setAttribute("height", r * 1.7);
    return square;
  }
  if (shape === "diamond") return polygon([[cx, cy - r], [cx + r, cy], [cx, cy + r], [cx - r, cy]]);
  if (shape === "triangle") return polygon([[cx, cy - r], [cx + r, cy + r * 0.8], [cx - r, cy + r * 0.8]]);
  if (shape === "triangleDown") return polygon([[cx, cy + r], [cx + r, cy - r * 0.8], [cx - r, cy - r * 0.8]]);
  if (shape === "star") {
    for (i = 0; i < 10; i++) {
      var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
      points.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
    return polygon(points);
  }
  if (shape === "hexagon") {
    for (i = 0; i < 6; i++) points.push([cx + r * Math.cos(i * Math.PI / 3), cy + r * Math.sin(i * Math.PI / 3)]);
    return polygon(points);
  }
  var circle = document.createElementNS(SVG_NS, "circle");
  circle.setAttribute("cx", cx); circle.setAttribute("cy", cy); circle.setAttribute("r", r * 0.85);
  return circle;
}

// The legend folds away behind its title button; it starts folded when the drawing is narrow
// (a small screen), where it would cover much of the graph.
function buildLegend(model, legend) {
  var toggle = el("button", "legend-toggle", "Legend");
  toggle.type = "button";
  toggle.id = "legend-toggle";
  toggle.setAttribute("aria-controls", "legend-body");
  var body = el("div");
  body.id = "legend-body";
  legend.appendChild(toggle);
  legend.appendChild(body);
  function fold(folded) {
    legend.classList.toggle("folded", folded);
    toggle.setAttribute("aria-expanded", String(!folded));
  }
  toggle.addEventListener("click", function () { fold(!legend.classList.contains("folded")); });
  var area = legend.parentNode;
  fold(window.matchMedia("(max-width: 900px)").matches || (area && area.clientWidth < 640) || false);
  buildLegendBody(model, body);
}

function buildLegendBody(model, legend) {
  model.data.types.forEach(function (t) {
    var row = el("div", "row");
    row.appendChild(swatch(model, t.name));
    row.appendChild(el("span", null, t.name));
    row.appendChild(el("span", "count", count(t.count)));
    legend.appendChild(row);
  });
  legend.appendChild(el("div", "edge-key",
    "Arrow: subject → object; point at it or select it for the relation. Thicker: stated in more articles. Bigger node: more relations."));
  var disputed = el("div", "disputed-key");  // not a "row": rows are the types
  var line = document.createElementNS(SVG_NS, "svg");
  line.setAttribute("width", 22); line.setAttribute("height", 8); line.setAttribute("aria-hidden", "true");
  var stroke = document.createElementNS(SVG_NS, "line");
  [["x1", 1], ["x2", 21], ["y1", 4], ["y2", 4], ["stroke", "#c53030"], ["stroke-width", 2], ["stroke-dasharray", "5 3"]]
    .forEach(function (kv) { stroke.setAttribute(kv[0], kv[1]); });
  line.appendChild(stroke);
  disputed.appendChild(line);
  disputed.appendChild(el("span", null, "Disputed: statements conflict (role, stance or date)"));
  legend.appendChild(disputed);
}
