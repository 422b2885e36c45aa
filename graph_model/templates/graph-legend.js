// ---- graph-legend.js: the legend, and the type swatches the filters and details share ---------
// Shapes are drawn as SVG from fixed constants; the colour comes from the type's style in the
// data, set as an attribute (never markup).
function swatch(model, type, size) {
  var style = model.typeStyle[type] || { color: "#7f7f7f", shape: "dot" };
  var s = size || 16, h = s / 2, svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", s); svg.setAttribute("height", s);
  svg.setAttribute("viewBox", "0 0 " + s + " " + s);
  svg.setAttribute("class", "swatch");
  svg.setAttribute("aria-hidden", "true");
  var shape, r = h - 1.5;
  var star = [], hex = [];
  for (var i = 0; i < 10; i++) {
    var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
    star.push((h + rr * Math.cos(a)).toFixed(2) + "," + (h + rr * Math.sin(a)).toFixed(2));
  }
  for (var j = 0; j < 6; j++) {
    var b = j * Math.PI / 3;
    hex.push((h + r * Math.cos(b)).toFixed(2) + "," + (h + r * Math.sin(b)).toFixed(2));
  }
  var polygons = {
    diamond: [h + "," + (h - r), (h + r) + "," + h, h + "," + (h + r), (h - r) + "," + h].join(" "),
    triangle: [h + "," + (h - r), (h + r) + "," + (h + r * 0.8), (h - r) + "," + (h + r * 0.8)].join(" "),
    triangleDown: [h + "," + (h + r), (h + r) + "," + (h - r * 0.8), (h - r) + "," + (h - r * 0.8)].join(" "),
    star: star.join(" "), hexagon: hex.join(" ")
  };
  if (style.shape === "square") {
    shape = document.createElementNS(SVG_NS, "rect");
    shape.setAttribute("x", h - r * 0.85); shape.setAttribute("y", h - r * 0.85);
    shape.setAttribute("width", r * 1.7); shape.setAttribute("height", r * 1.7);
  } else if (polygons[style.shape]) {
    shape = document.createElementNS(SVG_NS, "polygon");
    shape.setAttribute("points", polygons[style.shape]);
  } else {
    shape = document.createElementNS(SVG_NS, "circle");
    shape.setAttribute("cx", h); shape.setAttribute("cy", h); shape.setAttribute("r", r * 0.85);
  }
  shape.setAttribute("fill", style.color);
  shape.setAttribute("stroke", "rgba(0,0,0,.35)");
  svg.appendChild(shape);
  return svg;
}

function buildLegend(model, legend) {
  legend.appendChild(el("h2", null, "Legend"));
  model.data.types.forEach(function (t) {
    var row = el("div", "row");
    row.appendChild(swatch(model, t.name));
    row.appendChild(el("span", null, t.name));
    row.appendChild(el("span", "count", count(t.count)));
    legend.appendChild(row);
  });
  legend.appendChild(el("div", "edge-key",
    "Arrow: subject → object, labelled with the relation. Thicker: stated in more articles. Bigger node: more relations."));
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
