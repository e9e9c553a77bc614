/* Ringback: keyboard shortcuts and the next-step dialog. Pages work without this file;
   it only adds keys (Today: j/k to move, the letter on a button to press it; "/" to
   search) and opens the dialog HTMX fills. Loaded from /static (the CSP allows no
   inline script). */
(function () {
  "use strict";

  var selected = -1;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-item]:not([data-done])"));
  }

  function select(index) {
    var list = items();
    if (!list.length) { selected = -1; return; }
    selected = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (item, i) { item.classList.toggle("selected", i === selected); });
    list[selected].focus({ preventScroll: true });
    list[selected].scrollIntoView({ block: "nearest" });
  }

  function current() {
    var list = items();
    return selected >= 0 && selected < list.length ? list[selected] : null;
  }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function dialogOpen() {
    return !!document.querySelector("dialog[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || dialogOpen()) {
      return;
    }
    var key = event.key;
    if (key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (!document.querySelector("[data-item]")) { return; }
    if (key === "j" || key === "ArrowDown") {
      event.preventDefault(); select(selected + 1); return;
    }
    if (key === "k" || key === "ArrowUp") {
      event.preventDefault(); select(selected - 1); return;
    }
    if (key.length !== 1) { return; }
    var item = current();
    if (!item) { select(0); item = current(); }
    if (!item) { return; }
    var button = item.querySelector('[data-key="' + key.toLowerCase() + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });

  document.addEventListener("focusin", function (event) {
    var item = event.target.closest ? event.target.closest("[data-item]") : null;
    if (!item) { return; }
    var index = items().indexOf(item);
    if (index >= 0 && index !== selected) {
      selected = index;
      items().forEach(function (other, i) { other.classList.toggle("selected", i === selected); });
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "dialog-body") {
      var dialog = document.getElementById("next-step");
      if (dialog && !dialog.open) { dialog.showModal(); }
      var first = target.querySelector("input[type=radio]") ||
        target.querySelector("select, textarea, input:not([type=hidden])");
      if (first) { first.focus(); }
      return;
    }
    if (target && target.id && target.id.indexOf("item-") === 0 && selected >= 0) {
      // The logged item stays visible but leaves the list: the next one gets the keys.
      var list = items();
      if (list.length) { select(Math.min(selected, list.length - 1)); }
    }
  });
})();
