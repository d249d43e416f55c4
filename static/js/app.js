// Feedback on every htmx action: a failed request shows a visible alert instead of doing nothing.
document.body.addEventListener("htmx:responseError", function (event) {
  const box = document.getElementById("messages");
  if (!box) return;
  const div = document.createElement("div");
  div.className = "alert alert-danger py-2";
  div.setAttribute("role", "alert");
  div.textContent = (document.documentElement.lang || "").startsWith("zh")
    ? "操作失败（" + event.detail.xhr.status + "），请刷新后重试。"
    : "The action failed (" + event.detail.xhr.status + "). Reload and try again.";
  box.prepend(div);
});
document.body.addEventListener("htmx:sendError", function () {
  const box = document.getElementById("messages");
  if (box) box.insertAdjacentHTML("afterbegin", '<div class="alert alert-warning py-2" role="alert">网络错误 / Network error</div>');
});
// Behaviour that templates used to inline (CSP allows scripts from our own files only): declared by data attributes.
// <select data-submit-on-change>: the language switch submits its form as soon as a language is picked.
document.addEventListener("change", function (event) {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});
// <button data-print>: the browser's print dialog (on-site service record).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
