/* Ringback: keyboard shortcuts, the next-step dialog, the screen pop and due-now
   reminders. Pages work without this file; it only adds keys (Today: j/k to move, the
   letter on a button to press it; "/" to search), opens the dialog HTMX fills, shows
   pops, and marks a booked call on Today when its time comes. Loaded from /static
   (the CSP allows no inline script). */
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

  // Screen pop (R15): the server pushes a caller's context over /events (server-sent
  // events); it shows as a non-modal dialog. Unknown callers get a quick-add form that
  // creates the contact through the API (session cookie + CSRF header).
  function node(tag, text, className) {
    var made = document.createElement(tag);
    if (text) { made.textContent = text; }
    if (className) { made.className = className; }
    return made;
  }

  function when(iso) {
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString([], {
      weekday: "short", day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit"
    });
  }

  function words(value) { return String(value).replace(/_/g, " "); }

  function addFact(list, label, value) {
    if (!value) { return; }
    list.appendChild(node("dt", label));
    list.appendChild(node("dd", value));
  }

  function knownPop(dialog, pop) {
    var title = node("h2", pop.name + " is calling");
    title.id = "pop-title";
    dialog.appendChild(title);
    dialog.appendChild(node("p", pop.phone + (pop.company ? " · " + pop.company : ""), "muted"));
    var facts = node("dl", null, "pop-facts");
    addFact(facts, "Reason", pop.reason);
    addFact(facts, "Referred by", pop.referred_by);
    addFact(facts, "Promised", pop.promised && pop.promised.replace(/\d{4}-\d\d-\d\dT[^ ]+/, when));
    addFact(facts, "Say", pop.opener);
    dialog.appendChild(facts);
    if (pop.touches.length) {
      dialog.appendChild(node("h3", "Last touches"));
      var list = node("ul", null, "pop-touches");
      pop.touches.forEach(function (touch) {
        var text = when(touch.at) + " · " + words(touch.channel) + " · " + words(touch.outcome);
        list.appendChild(node("li", touch.notes ? text + " — " + touch.notes : text));
      });
      dialog.appendChild(list);
    }
    var open = node("a", "Open " + pop.name, "button");
    open.href = "/contacts/" + pop.contact_id;
    dialog.appendChild(open);
  }

  function quickAddPop(dialog, pop) {
    var title = node("h2", "Unknown caller " + pop.phone);
    title.id = "pop-title";
    dialog.appendChild(title);
    var form = node("form", null, "quick-add");
    var label = node("label", "Name ");
    var name = node("input");
    name.name = "full_name"; name.required = true; name.autocomplete = "off";
    label.appendChild(name);
    form.appendChild(label);
    form.appendChild(node("button", "Quick add"));
    var result = node("p", null, "hint");
    result.setAttribute("role", "status");
    form.appendChild(result);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
      fetch("/api/v1/contacts", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify({ full_name: name.value, phone: pop.phone, reason: "called us" })
      }).then(function (response) {
        return response.json().then(function (body) { return [response.ok, body]; });
      }).then(function (answer) {
        if (!answer[0]) { result.textContent = answer[1].error.message; return; }
        result.textContent = "";
        var link = node("a", "Added: open " + answer[1].full_name);
        link.href = "/contacts/" + answer[1].id;
        result.appendChild(link);
      });
    });
    dialog.appendChild(form);
  }

  function showPop(dialog, pop) {
    dialog.textContent = "";
    if (pop.contact_id === null) { quickAddPop(dialog, pop); } else { knownPop(dialog, pop); }
    var close = node("button", "Dismiss", "link close");
    close.type = "button";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    if (!dialog.open) { dialog.show(); }
  }

  function listenForCalls() {
    var dialog = document.getElementById("screen-pop");
    if (!dialog || !window.EventSource) { return; }
    var source = new EventSource(dialog.getAttribute("data-events"));
    source.addEventListener("open", function () { dialog.setAttribute("data-listening", "true"); });
    source.addEventListener("screen_pop", function (message) {
      try { showPop(dialog, JSON.parse(message.data)); } catch (error) { return; }
    });
  }

  // Booked calls (appointments, promised call-backs) carry their time: when it comes
  // while the page is open, the item is marked and announced, and the browser notifies
  // if the user allowed it. One already past when the page loaded is marked overdue.
  var LONGEST_WAIT_MS = 24 * 60 * 60 * 1000;

  function comeDue(item, status) {
    if (!document.body.contains(item) || item.hasAttribute("data-done")) { return; }
    item.classList.add("due-now");
    var label = item.getAttribute("data-due-label");
    status.textContent = label + ": due now.";
    if (window.Notification && Notification.permission === "granted") {
      new Notification("Ringback", { body: label + ": due now", tag: item.id });
    }
  }

  function offerNotifications() {
    var button = document.getElementById("notify-me");
    if (!button || !window.Notification || Notification.permission !== "default") { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function () { button.hidden = true; });
    });
  }

  function remindWhenDue() {
    var status = document.getElementById("due-now");
    if (!status) { return; }
    var booked = document.querySelectorAll("[data-due]");
    Array.prototype.forEach.call(booked, function (item) {
      var wait = Date.parse(item.getAttribute("data-due")) - Date.now();
      if (isNaN(wait) || wait <= 0 || wait > LONGEST_WAIT_MS) { return; }
      window.setTimeout(function () { comeDue(item, status); }, wait);
    });
    if (booked.length) { offerNotifications(); }
  }

  listenForCalls();
  remindWhenDue();
})();
