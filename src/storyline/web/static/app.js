// Storyline web UI: the little script there is. Same origin, no network requests.
(function () {
  "use strict";
  function reveal(el) {
    var d = el.closest("details");
    if (d) d.open = true;
    el.classList.remove("flash");
    void el.offsetWidth; // restart the highlight even when the hash does not change
    el.classList.add("flash");
  }
  function targetOf(hash) {
    if (!hash || hash.charAt(0) !== "#") return null;
    try { return document.getElementById(decodeURIComponent(hash.slice(1))); } catch (e) { return null; }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a) return;
    var el = targetOf(a.getAttribute("href"));
    if (el) reveal(el);
  });
  window.addEventListener("DOMContentLoaded", function () {
    var el = targetOf(window.location.hash);
    if (el) { reveal(el); el.scrollIntoView(); }
  });
})();
