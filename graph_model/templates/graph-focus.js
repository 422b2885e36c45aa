// ---- graph-focus.js: the focus controls: show only the selected entity's neighbourhood --------
// `filters` is createFilters()'s result (its state holds the selection and the focus); `view` is
// createNetwork()'s, read only when the reader clicks, after both exist.
function createFocusPanel(model, filters, visible, getView) {
  var state = filters.state;
  var depthSelect = document.getElementById("focus-depth");
  var apply = document.getElementById("focus-apply");
  var clearButton = document.getElementById("focus-clear");
  var status = document.getElementById("focus-status");

  function showStatus() {
    if (state.focus) {
      status.textContent = "Showing " + model.labelOf(state.focus) + " and what is within " +
        plural(state.depth, "relation", "relations") + " of it.";
    } else if (state.selected) {
      status.textContent = "Selected: " + model.labelOf(state.selected);
    } else {
      status.textContent = "Select an entity (click or search), then show only its neighbourhood.";
    }
  }
  apply.addEventListener("click", function () {
    if (!state.selected) return;
    state.focus = state.selected;
    state.depth = Number(depthSelect.value);
    clearButton.disabled = false;
    filters.applyFilters();
    showStatus();
    getView().network.fit({ nodes: Array.from(visible.nodes), animation: false });
  });
  depthSelect.addEventListener("change", function () {
    state.depth = Number(depthSelect.value);
    if (state.focus) { filters.applyFilters(); showStatus(); }
  });
  clearButton.addEventListener("click", function () {
    state.focus = null;
    clearButton.disabled = true;
    filters.applyFilters();
    showStatus();
    getView().network.fit({ animation: false });
  });

  return {
    setSelected: function (id) {
      state.selected = id;
      apply.disabled = !id;
      showStatus();
    },
    // a one-off message in place of the status (until the next selection)
    say: function (text) { status.textContent = text; }
  };
}
