// The new-ticket page (tickets/new.html): caller lookup as the number is typed, Ctrl+Enter registers,
// and the 三包 panel offers only the parts the chosen product category has.
(function () {
  const phone = document.getElementById("id_phone");
  const lookup = document.getElementById("customer-lookup");
  if (phone && lookup && lookup.dataset.lookupUrl) {
    phone.setAttribute("hx-get", lookup.dataset.lookupUrl);
    phone.setAttribute("hx-trigger", "keyup changed delay:300ms, change");
    phone.setAttribute("hx-target", "#customer-lookup");
    // The number as typed, under the name the lookup reads (was an eval'd hx-vals, which CSP forbids).
    phone.addEventListener("htmx:configRequest", function (event) {
      event.detail.parameters = { phone: phone.value };
    });
    htmx.process(phone);
    lookup.addEventListener("click", function (e) {
      const btn = e.target.closest("[data-fill-name]");
      if (!btn) return;
      document.getElementById("id_name").value = btn.dataset.fillName;
      document.getElementById("id_kind").focus();
    });
  }
  const form = document.getElementById("intake-form");
  if (form) {
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey && e.key === "Enter") { e.preventDefault(); form.requestSubmit(); }
    });
  }
  // Only the parts the chosen product category has (each option lists its categories).
  const category = document.getElementById("id_category");
  const component = document.getElementById("id_component");
  if (!category || !component) return;
  function sync() {
    let keep = false;
    for (const option of component.options) {
      const fits = (" " + (option.dataset.categories || "") + " ").includes(" " + category.value + " ");
      option.hidden = option.disabled = !fits;
      if (fits && option.selected) keep = true;
    }
    if (!keep) component.value = "main_unit";
  }
  category.addEventListener("change", sync);
  sync();
})();
