// Page behaviour declared in data attributes, so that templates carry no inline script, event
// handler or style (the Content-Security-Policy forbids all three).
//   data-confirm="…"   on a form or its submit button: ask before submitting
//   data-history-back  on a link: go back in the browser's history (the href is the fallback)
//   data-select-all=N  on a checkbox: tick every box named N of the labels form
//   data-width="42"    on a progress bar: its width in percent (set through the CSSOM, allowed)
(function () {
  document.addEventListener("submit", function (event) {
    var button = event.submitter, form = event.target;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll('input[form="labels-form"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0)) + "%";
    });
  }
  // htmx.onLoad runs for the page and again for every fragment htmx swaps in (progress polling).
  if (window.htmx) window.htmx.onLoad(applyWidths);
  else document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
})();
