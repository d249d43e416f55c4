// The new-ticket page (tickets/new.html), made for the keyboard (issue 15): the caller looked up as the number is
// typed and a known caller's name filled in; fields of one kind shown only for it; lists typed ahead by pinyin
// initials; dates typed as digits with the calendar on demand; Ctrl+Enter registers from any field. The 三包
// panel offers only the parts the chosen product category has.
(function () {
  const form = document.getElementById("intake-form");
  const phone = document.getElementById("id_phone");
  const name = document.getElementById("id_name");
  const lookup = document.getElementById("customer-lookup");

  // ---- the caller ----------------------------------------------------------------------------------------
  if (phone && lookup && lookup.dataset.lookupUrl) {
    phone.setAttribute("hx-get", lookup.dataset.lookupUrl);
    phone.setAttribute("hx-trigger", "keyup changed delay:300ms, change");
    phone.setAttribute("hx-target", "#customer-lookup");
    // The number as typed, under the name the lookup reads (was an eval'd hx-vals, which CSP forbids).
    // With the name typed so far and the choice made (or posted back), so the fragment shows them as they are.
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
      const filled = lookup.querySelector("[data-name-filled]");
      if (!found || !name) return;
      const typed = name.value.trim();
      if (choice) choice.hidden = !typed || typed === found.dataset.storedName;
      if (filled) filled.hidden = name.dataset.autofilled !== name.value;
    }
    // A known caller's name goes into an empty name field (or replaces the one filled for another number);
    // never over a name reception typed. Selected when the field has the focus, so typing replaces it.
    function fillKnownName() {
      if (!name) return;
      const found = lookup.querySelector("[data-stored-name]");
      const ours = name.dataset.autofilled !== undefined && name.dataset.autofilled === name.value;
      if (found && (name.value.trim() === "" || ours)) {
        name.value = name.dataset.autofilled = found.dataset.storedName;
        if (document.activeElement === name) name.select();
      } else if (!found && ours) {
        name.value = "";  // the number changed to one we do not know: not the other caller's name
        delete name.dataset.autofilled;
      }
    }
    if (name) name.addEventListener("input", syncNameChoice);
    lookup.addEventListener("htmx:afterSwap", function () { fillKnownName(); syncNameChoice(); });
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

  // ---- Ctrl+Enter registers, from any field ----------------------------------------------------------------
  if (form) {
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey && e.key === "Enter") { e.preventDefault(); form.requestSubmit(); }
    });
  }

  // ---- fields of one kind (a complaint's promise): hidden AND disabled otherwise, so no Tab stop ----------
  const kind = document.getElementById("id_kind");
  function syncKind() {
    for (const box of document.querySelectorAll("[data-kinds]")) {
      const shown = box.dataset.kinds.split(" ").includes(kind.value);
      box.hidden = !shown;
      for (const input of box.querySelectorAll("input, select, textarea")) {
        if (!input.classList.contains("typed-date-picker")) input.disabled = !shown;
      }
    }
  }
  if (kind) { kind.addEventListener("change", syncKind); syncKind(); }

  // ---- selects typed ahead by pinyin initials: "wx" → 维修 (options carry data-initials, core/widgets.py) --
  // Letters typed within a second add up; a new run starts after the current option, so "cj" again moves
  // from 催件 to the next match (查件). English labels match by their own first letters.
  for (const select of document.querySelectorAll("select[data-initials-select]")) {
    let typed = "", anchor = 0, timer = null;
    select.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1 || !/[a-z]/i.test(e.key)) return;
      e.preventDefault();  // the browser's own type-ahead cannot match Chinese labels by Latin letters
      const options = Array.from(select.options), key = e.key.toLowerCase();
      clearTimeout(timer);
      timer = setTimeout(function () { typed = ""; }, 1000);
      function find(letters) {
        for (let i = 0; i < options.length; i++) {
          const option = options[(anchor + i) % options.length];
          if (option.disabled || option.hidden) continue;
          const initials = option.dataset.initials || "";
          if (initials.startsWith(letters) || option.text.toLowerCase().startsWith(letters)) return option;
        }
        return null;
      }
      if (typed === "") anchor = (select.selectedIndex + 1) % options.length;
      let option = find(typed + key);
      if (option) { typed += key; } else if (typed !== "") {
        // No option goes on like that: the letter starts a new run ("wx" then "ts" without a pause → 投诉).
        anchor = (select.selectedIndex + 1) % options.length;
        option = find(key);
        typed = option ? key : "";
      }
      if (option && !option.selected) {
        select.value = option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  // ---- dates typed as digits, the calendar on demand (core.widgets.TypedDateInput) -------------------------
  // The server reads 20261127, 2026-11-27, 1127 (this year) and, with a time, "1127 18:00" (core/typed_dates.py);
  // here the box shows what it understood (2026-11-27) once reception moves on. Unclear input is left as typed:
  // the server names the problem.
  const pad = (n) => String(n).padStart(2, "0");
  function readDate(text, thisYear) {
    let m = text.match(/^(\d{4})(\d{2})(\d{2})$/) || text.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/);
    let year, month, day;
    if (m) { [year, month, day] = [+m[1], +m[2], +m[3]]; } else {
      m = text.match(/^(\d{2})(\d{2})$/) || text.match(/^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/);
      if (!m) return null;
      [year, month, day] = [thisYear, +m[1], +m[2]];
    }
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
    return `${year}-${pad(month)}-${pad(day)}`;
  }
  function readTime(text) {
    const m = text.match(/^(\d{1,2})(?::(\d{2}))?$/) || text.match(/^(\d{2})(\d{2})$/);
    if (!m || +m[1] > 23 || +(m[2] || 0) > 59) return null;
    return `${pad(+m[1])}:${pad(+(m[2] || 0))}`;
  }
  function readTyped(box) {
    const text = box.value.trim(), year = +box.dataset.thisYear;
    if (box.dataset.typedDate === "date") return readDate(text, year);
    const parts = text.split(/\s*[T\s]\s*/);
    if (parts.length !== 2) return null;
    const day = readDate(parts[0], year), at = readTime(parts[1]);
    return day && at ? `${day} ${at}` : null;
  }
  function openCalendar(box) {
    const picker = document.querySelector(`[data-picker-for="${box.id}"]`);
    if (!picker) return;
    const known = readTyped(box);
    picker.value = known ? known.replace(" ", "T") : "";
    try { picker.showPicker(); } catch (err) { picker.focus(); picker.click(); }
  }
  for (const box of document.querySelectorAll("[data-typed-date]")) {
    box.addEventListener("change", function () {
      const known = readTyped(box);
      if (known && known !== box.value) box.value = known;
    });
    box.addEventListener("keydown", function (e) {
      if ((e.altKey && e.key === "ArrowDown") || e.key === "F4") { e.preventDefault(); openCalendar(box); }
    });
  }
  document.addEventListener("click", function (e) {
    const button = e.target.closest("[data-calendar-for]");
    if (button) openCalendar(document.getElementById(button.dataset.calendarFor));
  });
  for (const picker of document.querySelectorAll("[data-picker-for]")) {
    picker.addEventListener("change", function () {
      const box = document.getElementById(picker.dataset.pickerFor);
      if (!box || !picker.value) return;
      box.value = picker.value.replace("T", " ");
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new Event("change", { bubbles: true }));  // the 三包 preview listens for it
      box.focus();
    });
  }

  // ---- only the parts the chosen product category has (each option lists its categories) ------------------
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
