/* Explorable figures of the static book (ketamodel.widgets.explorer).
 *
 * Each <div data-km-explorer> holds a still <img> (what a reader without
 * JavaScript sees), hidden controls and, as JSON, the frames drawn when the
 * book was built. This script shows the controls and, when one moves, swaps
 * the image and its alt text for the frame of the new values. When the grid
 * has no frame for that combination (the controls beyond the first two are
 * varied one at a time), it goes to the nearest frame that has the value
 * just chosen, moves the other controls to match and says so.
 * No network, no kernel, no dependencies. MIT licence.
 */
(function () {
  "use strict";

  function init(root) {
    var script = root.querySelector("script.km-explorer-data");
    var img = root.querySelector("img.km-explorer-frame");
    if (!script || !img || root.dataset.kmReady) return;
    var data = JSON.parse(script.textContent);
    var controls = data.controls;
    var frames = {};
    data.frames.forEach(function (f) { frames[f.key.join(",")] = f; });
    var state = controls.map(function (c) { return c.default; });
    var defaultKey = state.join(",");
    var initialAlt = img.getAttribute("alt");
    var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-km-control]"));
    var message = root.querySelector(".km-explorer-message");
    var readout = root.querySelector(".km-explorer-readout");
    var preloaded = false;

    function preload() {
      if (preloaded) return;
      preloaded = true;
      data.images.forEach(function (src) { var im = new Image(); im.decoding = "async"; im.src = src; });
    }

    function nearest(want, moved) {
      // Among the frames with the value just chosen, the one that changes the fewest other
      // controls, then the one closest to the wanted values; ties go to the first frame.
      var best = null, bestCost = null;
      data.frames.forEach(function (f) {
        if (f.key[moved] !== want[moved]) return;
        var changed = 0, distance = 0;
        for (var i = 0; i < want.length; i++) {
          if (f.key[i] !== want[i]) { changed += 1; distance += Math.abs(f.key[i] - want[i]); }
        }
        var cost = [changed, distance];
        if (best === null || cost[0] < bestCost[0] ||
            (cost[0] === bestCost[0] && cost[1] < bestCost[1])) { best = f; bestCost = cost; }
      });
      return best;
    }

    function text(c, i) {
      return c.values[i] + (c.suffix || "");
    }

    function show(key, note) {
      var frame = frames[key.join(",")];
      state = key.slice();
      inputs.forEach(function (input) {
        var c = +input.dataset.kmControl;
        input.value = String(state[c]);
        if (input.type === "range") {
          input.setAttribute("aria-valuetext", text(controls[c], state[c]));
          var out = input.parentNode.querySelector("output");
          if (out) out.textContent = controls[c].values[state[c]];
        }
      });
      if (frame.error) {
        img.classList.add("km-explorer-failed");
        img.alt = frame.error;
        message.textContent = frame.error;
        message.classList.add("km-explorer-error");
        if (readout) readout.textContent = "";
        return;
      }
      img.classList.remove("km-explorer-failed");
      img.src = data.images[frame.image];
      img.alt = key.join(",") === defaultKey && initialAlt ? initialAlt : frame.alt;
      message.textContent = note || "";
      message.classList.remove("km-explorer-error");
      if (readout) readout.textContent = frame.title || "";
    }

    function change(moved, value) {
      var want = state.slice();
      want[moved] = value;
      if (frames[want.join(",")]) { show(want); return; }
      var frame = nearest(want, moved);
      var reset = [];
      frame.key.forEach(function (v, i) { if (i !== moved && v !== want[i]) reset.push(controls[i].label); });
      show(frame.key, "This static figure varies " + controls[moved].label + " alone: " +
           reset.join(" and ") + " went back to " +
           (reset.length > 1 ? "their default values." : "its default value."));
    }

    inputs.forEach(function (input) {
      var c = +input.dataset.kmControl;
      input.addEventListener(input.type === "range" ? "input" : "change", function () {
        change(c, +input.value);
      });
      input.addEventListener("focus", preload);
      input.addEventListener("pointerdown", preload);
    });
    if ("IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { preload(); seen.disconnect(); }
      }, {rootMargin: "200px"});
      seen.observe(root);
    }
    root.querySelectorAll(".km-explorer-controls, .km-explorer-readout, .km-explorer-note")
      .forEach(function (el) {
      el.hidden = false;
    });
    root.dataset.kmReady = "1";
  }

  function start() {
    document.querySelectorAll("[data-km-explorer]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
