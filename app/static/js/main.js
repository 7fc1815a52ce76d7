// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // An error summary takes the focus, so screen readers announce it and Tab continues from it.
  // A form sent from a page whose address ends in #main (after the skip link) comes back with that
  // fragment, and the browser would then move the focus to <main>: drop the fragment first.
  var summary = document.querySelector("[data-autofocus]");
  // Otherwise a message about what just happened ("Your settings have been saved") takes the
  // focus, so that it is read out; Tab continues from there into the page.
  if (!summary) {
    var flash = document.querySelector("[data-flash]");
    if (flash && !location.hash) { flash.focus(); }
  }
  if (summary) {
    if (location.hash && window.history && history.replaceState) {
      history.replaceState(history.state, "", location.pathname + location.search);
    }
    summary.focus();
    window.addEventListener("load", function () {
      if (document.activeElement === document.body || document.activeElement.id === "main") {
        summary.focus();
      }
    });
  }

  // A link in the error summary moves the focus into the field itself (for a group of radio
  // buttons or checkboxes: its first input) and scrolls so that the label stays visible.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) { return; }
    var input = target.matches("input, select, textarea, button") ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    if (!input) { return; }
    event.preventDefault();
    var label = target.tagName === "FIELDSET" ? target.querySelector("legend")
      : document.querySelector("label[for='" + input.id + "']");
    (label || input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
});
