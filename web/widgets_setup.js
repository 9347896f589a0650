// Loaded between require.js and embed-amd.js on pages with widgets (see _config.yml).
(function () {
  // 1. The widget bundle finds its icon fonts relative to RequireJS's base URL, which
  //    defaults to the page's folder; point it at this script's folder (_widgets/).
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({ baseUrl: here });

  // 2. Widget labels are typeset with the MathJax 2 call MathJax.Hub.Queue; the book
  //    uses MathJax 3, which has no Hub. Translate the call to MathJax 3's API.
  function typeset(job) {
    var element = job && job[2];
    var mj = window.MathJax;
    if (!element || !mj || !mj.startup || !mj.startup.promise) return;
    mj.startup.promise.then(function () { return mj.typesetPromise([element]); });
  }
  window.MathJax = window.MathJax || {};
  if (!window.MathJax.Hub) window.MathJax.Hub = { Queue: typeset };
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) mj.Hub = { Queue: typeset };
  });
})();
