// Optional enhancements; every page works without this file.
//   /      focus the search box
//   j / k  next / previous result on a results page
//   n / p  next / previous highlighted match in an article
//   typing in a search box offers completions of the last word (a <datalist>)
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // Move through a list of elements, starting from the one the reader is already on
  // (focused, or named by the URL's #fragment), so keys and mouse never disagree.
  function stepper(selector, onMove) {
    return function (delta) {
      var items = Array.prototype.slice.call(document.querySelectorAll(selector));
      if (!items.length) return;
      var index = items.findIndex(function (el) { return el.classList.contains("is-current"); });
      if (index < 0) {
        index = items.findIndex(function (el) {
          return el.contains(document.activeElement) || (location.hash && "#" + el.id === location.hash);
        });
      }
      if (index >= 0) items[index].classList.remove("is-current");
      var next = index < 0 ? (delta > 0 ? 0 : items.length - 1) : index + delta;
      next = Math.max(0, Math.min(items.length - 1, next));
      items[next].classList.add("is-current");
      onMove(items[next], next, items.length);
    };
  }

  var moveResult = stepper("[data-hit]", function (hit) {
    var link = hit.querySelector("a");
    if (link) link.focus();
    hit.scrollIntoView({ block: "nearest" });
  });

  var landed = false;
  var moveMatch = stepper("[data-article-body] mark", function (mark, index, total) {
    mark.setAttribute("tabindex", "-1");
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center" });
    // Keep the place in the URL so a reload or a shared link comes back to it; not on
    // landing, when the browser would then jump to the fragment itself at load.
    if (landed && mark.id && history.replaceState) history.replaceState(null, "", "#" + mark.id);
    landed = true;
    var position = document.querySelector("[data-hit-position]");
    if (position) position.textContent = "Match " + (index + 1) + " of " + total;
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var box = document.querySelector("[data-search-box]");
    if (event.key === "/" && box) {
      event.preventDefault(); // or the slash would be typed into the box
      box.focus();
      box.select();
    } else if (event.key === "j" || event.key === "k") {
      moveResult(event.key === "j" ? 1 : -1);
    } else if (event.key === "n" || event.key === "p") {
      moveMatch(event.key === "n" ? 1 : -1);
    }
  });

  // Arriving from a search: land on the first match (or the one the URL names).
  function landOnMatch() {
    if (!document.querySelector("[data-first-hit]")) return;
    var named = location.hash && document.getElementById(location.hash.slice(1));
    moveMatch(named && named.tagName === "MARK" ? 0 : 1);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", landOnMatch);
  } else {
    landOnMatch();
  }

  // Search-as-you-type: ask /api/suggest for completions of the last word, at most one
  // request in flight per pause in typing. Without JavaScript the box is a plain input.
  function offerCompletions(box) {
    var list = document.createElement("datalist");
    list.id = box.id + "-completions";
    box.parentNode.appendChild(list);
    box.setAttribute("list", list.id);
    var timer = null;
    var asked = "";
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = box.value;
        if (text === asked || text.length > 200 || !/\w{2,}$/.test(text)) return;
        asked = text;
        fetch("/api/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (body) {
            if (box.value !== text) return; // the reader typed on meanwhile
            list.textContent = "";
            body.suggestions.forEach(function (suggestion) {
              var option = document.createElement("option");
              option.value = suggestion;
              list.appendChild(option);
            });
          })
          .catch(function () { /* completions are optional: say nothing */ });
      }, 150);
    });
  }
  document.querySelectorAll("[data-search-box]").forEach(offerCompletions);
})();
