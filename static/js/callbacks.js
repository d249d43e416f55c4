// Seed 002: a customer kept waiting over 2 minutes is offered a call back. The hold button counts.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-hold-timer]");
  if (!button || button.dataset.started) return;
  button.dataset.started = "1";
  const clock = button.querySelector("[data-hold-clock]");
  const card = button.closest("[data-testid=callback-card]");
  const start = Date.now();
  const timer = setInterval(function () {
    if (!document.body.contains(button)) return clearInterval(timer);
    const seconds = Math.floor((Date.now() - start) / 1000);
    clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    if (seconds >= 120) {
      button.classList.replace("btn-outline-secondary", "btn-warning");
      const waiting = card && card.querySelector("details[data-script=waiting]");
      if (waiting) waiting.open = true;
    }
  }, 1000);
});
