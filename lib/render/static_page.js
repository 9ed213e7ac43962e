/* The static page of a view (lib/render/html.py): what JavaScript adds to a page that reads without it.
   1. The chart becomes interactive: Plotly draws the figure (JSON in #figure-data) where the drawn SVG was;
      if plotly.js is missing or fails, the SVG stays.
   2. In an iframe, the page tells its parent its height, so a CMS can size the frame:
      {sentinel: "amp", type: "embed-size", height, source: "homeworking-dashboard"} (the AMP iframe message).
   Static: no data or user text is ever written into this script; it reads the page. */
(function () {
  "use strict";
  var framed = window.parent !== window;
  var lastHeight = 0;

  function tellHeight() {
    if (!framed) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage(
      { sentinel: "amp", type: "embed-size", height: height, source: "homeworking-dashboard" }, "*"
    );
  }

  function draw() {
    var box = document.getElementById("chart");
    var source = document.getElementById("figure-data");
    if (!box || !source || !window.Plotly) return Promise.resolve();
    var figure = JSON.parse(source.textContent);
    var fallback = box.firstElementChild;
    var plot = document.createElement("div");
    plot.className = "plot";
    plot.setAttribute("aria-describedby", "chart-alt");
    function keepFallback() {
      plot.remove();
      if (fallback) fallback.hidden = false;
    }
    box.appendChild(plot);
    if (fallback) fallback.hidden = true;
    try {
      return window.Plotly.newPlot(plot, figure.data, figure.layout, figure.config).then(function () {
        if (fallback) fallback.remove();
        box.classList.add("interactive");
      }, keepFallback);
    } catch (error) {
      keepFallback();
      return Promise.resolve();
    }
  }

  function start() {
    draw().then(tellHeight, tellHeight);
    if (framed && window.ResizeObserver) new ResizeObserver(tellHeight).observe(document.documentElement);
    window.addEventListener("load", tellHeight);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
