// The callback desk (templates/callbacks/desk.html), by keyboard: j/k or ↓/↑ move from card to card, a
// number key picks the outcome (1–3 reached and what the customer said, 0 not reached), Enter saves, s opens
// the phone scripts. The one script panel names the customer of the card in focus. Wired by data- attributes:
// CSP allows no inline script.
(function () {
  "use strict";
  const CARD = "[data-testid=callback-card]";
  const panel = document.getElementById("scripts");
  const cards = () => Array.from(document.querySelectorAll(CARD));

  function fill(card) {
    if (!panel) return;
    for (const name of ["customer", "subject"]) {
      panel.querySelectorAll("[data-fill=" + name + "]").forEach((el) => { el.textContent = card.dataset[name]; });
    }
  }

  function move(from, step) {
    const list = cards();
    const next = list[list.indexOf(from) + step];
    if (!next) return;
    next.focus();
    next.scrollIntoView({block: "nearest"});
  }

  function pick(card, key) {
    const form = card.querySelector("form");
    const outcome = form.querySelector("[data-outcome]");
    const reached = (value) => form.querySelector("input[type=radio][value=" + value + "]");
    if (key === "0") {
      reached("no").checked = true;
      outcome.value = "";
    } else {
      const option = outcome.querySelector("option[data-key='" + key + "']");
      if (!option) return;
      reached("yes").checked = true;
      outcome.value = option.value;
    }
    card.classList.add("cb-picked"); // seen at a glance: this card has an outcome waiting for Enter
  }

  function openScript(key) {
    if (!panel) return;
    panel.open = true;
    const script = panel.querySelector("[data-script='" + key + "']");
    if (!script) return;
    script.open = true;
    script.scrollIntoView({block: "nearest"});
  }

  document.addEventListener("focusin", (event) => {
    const card = event.target.closest && event.target.closest(CARD);
    if (card) fill(card);
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const card = target.closest && target.closest(CARD);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && card) { // from the comments, too
      event.preventDefault();
      card.querySelector("form").requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // A text box or a select keeps its own keys (typing, type-ahead); so do links and buttons for Enter.
    if (target.matches("textarea, select, input:not([type=radio]):not([type=checkbox])")) return;
    const onCard = card && (target === card || target.type === "radio");
    if (event.key === "s" && (onCard || target === document.body)) {
      event.preventDefault();
      if (panel) panel.open = !panel.open;
    } else if (!card && (event.key === "j" || event.key === "ArrowDown") && target === document.body) {
      const first = cards()[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (onCard && (event.key === "j" || (event.key === "ArrowDown" && target === card))) {
      event.preventDefault();
      move(card, 1);
    } else if (onCard && (event.key === "k" || (event.key === "ArrowUp" && target === card))) {
      event.preventDefault();
      move(card, -1);
    } else if (onCard && /^[0-9]$/.test(event.key)) {
      event.preventDefault();
      pick(card, event.key);
    } else if (onCard && event.key === "Enter") {
      event.preventDefault();
      card.querySelector("form").requestSubmit();
    }
  });

  // The mouse path agrees with the keys: an outcome means the customer was reached; "not reached" has none.
  document.addEventListener("change", (event) => {
    const form = event.target.closest && event.target.closest(CARD + " form");
    if (!form) return;
    if (event.target.matches("[data-outcome]") && event.target.value) {
      form.querySelector("input[type=radio][value=yes]").checked = true;
    } else if (event.target.matches("input[type=radio][value=no]")) {
      form.querySelector("[data-outcome]").value = "";
    }
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-open-script]");
    if (!link) return;
    event.preventDefault();
    openScript(link.dataset.openScript);
  });

  // After a save the card is swapped in place (htmx): keep working from the keyboard — on to the next card,
  // or, on a refusal, to the first field that needs a fix.
  document.body.addEventListener("htmx:load", (event) => {
    const elt = event.detail.elt;
    if (elt.matches && elt.matches("[data-testid=callback-done]")) {
      let next = elt.nextElementSibling;
      while (next && !next.matches(CARD)) next = next.nextElementSibling;
      const target = next || cards().pop();
      if (target) { target.focus(); target.scrollIntoView({block: "nearest"}); }
    } else if (elt.matches && elt.matches(CARD)) {
      const comments = elt.querySelector("[data-testid=error-comments]") && elt.querySelector(".cb-comments");
      (comments || elt).focus(); // "say what is still wrong" is the usual refusal: straight to the box
    }
  });

  // Seed 002: a customer kept waiting over 2 minutes is offered a call back. The hold button counts.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-hold-timer]");
    if (!button || button.dataset.started) return;
    button.dataset.started = "1";
    const clock = button.querySelector("[data-hold-clock]");
    const start = Date.now();
    const timer = setInterval(() => {
      if (!document.body.contains(button)) return clearInterval(timer);
      const seconds = Math.floor((Date.now() - start) / 1000);
      clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      if (seconds >= 120) {
        button.classList.replace("btn-outline-secondary", "btn-warning");
        openScript("waiting");
      }
    }, 1000);
  });
}());

// "The customer complains": the complaint fields live once per page in a <template>; copy them into this
// card's form under its prefix (a card is lighter without them; most calls have no complaint).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-complaint]");
  const template = document.getElementById("cb-complaint-fields");
  if (!button || !template) return;
  const holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replaceAll("__p__", button.form.dataset.prefix);
  const fields = holder.firstElementChild;
  button.replaceWith(fields);
  fields.querySelector("textarea").focus();
});
