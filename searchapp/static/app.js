// Optional keyboard shortcuts; every page works without this file.
//   /      focus the search box
//   j / k  next / previous result on a results page
//   n / p  next / previous highlighted match in an article
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }

  function stepper(selector, onMove) {
    var index = -1;
    return function (delta) {
      var items = document.querySelectorAll(selector);
      if (!items.length) return;
      if (index >= 0 && items[index]) items[index].classList.remove("is-current");
      index = Math.max(0, Math.min(items.length - 1, index + delta));
      items[index].classList.add("is-current");
      onMove(items[index]);
    };
  }

  var moveResult = stepper("[data-hit]", function (hit) {
    var link = hit.querySelector("a");
    if (link) link.focus();
  });
  var moveMatch = stepper("[data-article-body] mark", function (mark) {
    mark.setAttribute("tabindex", "-1");
    mark.focus();
    mark.scrollIntoView({ block: "center" });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var box = document.querySelector("[data-search-box]");
    if (event.key === "/" && box) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "j") {
      moveResult(1);
    } else if (event.key === "k") {
      moveResult(-1);
    } else if (event.key === "n") {
      moveMatch(1);
    } else if (event.key === "p") {
      moveMatch(-1);
    }
  });

  // Arriving from a search: land on the first match.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-first-hit]") && !location.hash) moveMatch(1);
  });
})();
