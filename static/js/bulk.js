// The ticket list's bulk bar (tickets/views_bulk.py): tick rows with the mouse or the keyboard, then apply.
// Space ticks the focused row, ↑/↓ (or j/k) move between rows; "select all" ticks every row on the page
// (rows added by "More" included once they are there). Wired by data- attributes: CSP allows no inline script.
(function () {
  "use strict";
  const form = document.querySelector("[data-bulk-form]");
  if (!form) return;
  const all = document.querySelector("[data-bulk-all]");
  const count = form.querySelector("[data-bulk-count]");
  const submit = form.querySelector("[data-bulk-submit]");
  const action = form.querySelector("[name=action]");

  const boxes = () => Array.from(document.querySelectorAll("[data-bulk-check]"));
  const rows = () => Array.from(document.querySelectorAll("[data-bulk-row]"));

  function refresh() {
    const list = boxes();
    const ticked = list.filter((box) => box.checked).length;
    count.textContent = String(ticked);
    submit.disabled = ticked === 0;
    if (all) {
      all.checked = ticked > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
    list.forEach((box) => box.closest("tr").classList.toggle("table-active", box.checked));
  }

  function showFields() {
    const chosen = action.value;
    form.querySelectorAll("[data-bulk-field]").forEach((field) => {
      field.hidden = !field.dataset.bulkField.split(" ").includes(chosen);
    });
  }

  if (all) {
    all.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = all.checked; });
      refresh();
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-bulk-check]")) refresh();
  });
  document.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("[data-bulk-row]");
    if (!row || event.target !== row) return; // a focused checkbox or link keeps its own keys
    const list = rows();
    const index = list.indexOf(row);
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault(); // not a page scroll
      const box = row.querySelector("[data-bulk-check]");
      box.checked = !box.checked;
      refresh();
    } else if ((event.key === "ArrowDown" || event.key === "j") && index < list.length - 1) {
      event.preventDefault();
      list[index + 1].focus();
    } else if ((event.key === "ArrowUp" || event.key === "k") && index > 0) {
      event.preventDefault();
      list[index - 1].focus();
    }
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "ticket-rows" || event.target.id === "more-row" || event.target.closest("#ticket-rows")) {
      refresh();
    }
  });
  action.addEventListener("change", showFields);
  showFields();
  refresh();
})();
