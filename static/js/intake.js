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
    // With the name typed so far and the choice made (or posted back), so the fragment shows them as they are.
    const name = document.getElementById("id_name");
    phone.addEventListener("htmx:configRequest", function (event) {
      const chosen = lookup.querySelector("input[name=name_policy]:checked");
      event.detail.parameters = { phone: phone.value, name: name ? name.value : "",
                                  name_policy: chosen ? chosen.value : (lookup.dataset.namePolicy || "") };
    });
    htmx.process(phone);
    // A known phone with another name: the choice "this ticket only / update the customer" shows while the
    // typed name differs from the stored one (tickets/_customer_lookup.html).
    function syncNameChoice() {
      const found = lookup.querySelector("[data-stored-name]");
      const choice = lookup.querySelector("[data-name-choice]");
      if (!found || !choice || !name) return;
      const typed = name.value.trim();
      choice.hidden = !typed || typed === found.dataset.storedName;
    }
    if (name) name.addEventListener("input", syncNameChoice);
    lookup.addEventListener("htmx:afterSwap", syncNameChoice);
    lookup.addEventListener("click", function (e) {
      const btn = e.target.closest("[data-fill-name]");
      if (!btn) return;
      name.value = btn.dataset.fillName;
      syncNameChoice();
      document.getElementById("id_kind").focus();
    });
    // The form came back with errors: look the number up again, so the known caller and the choice reappear.
    if (phone.value.trim()) htmx.trigger(phone, "change");
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
