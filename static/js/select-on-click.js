// The admin's "copy the API key now" page: one click selects the whole key (was an inline onclick; CSP forbids it).
document.addEventListener("click", function (event) {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
