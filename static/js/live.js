// Live pages (issue 15 §4; server side core/live.py). Two jobs, both wired by data- attributes (CSP: no inline script):
//
// 1. [data-live] regions poll with htmx ("every Ns, live:refresh") and send If-None-Match with the ETag they were
//    rendered with; the server answers 304 when nothing they show has changed. htmx 2 treats every 2xx/3xx as
//    swappable, and a 304 to a request that set If-None-Match itself reaches XMLHttpRequest as a bodiless 304, so
//    it would blank the region: a 304 is never swapped here (tests/browser/test_live.py checks it).
//    A poll is skipped while the tab is hidden or the user is busy in the region (a ticked row, a focused field or
//    row, an open dropdown); a region whose user paged further ("More") stops, so their rows are not taken away.
// 2. [data-countdown][data-due] elements read "剩余 23 小时 59 分" and tick every minute without asking the server,
//    in the words of core/durations.py (the page's <meta name="live-config">); [data-due-tone] elements change
//    colour (success → warning → danger) at the instants the server would.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="live-config"]');
  const config = meta ? JSON.parse(meta.content) : { formats: {}, daysAfter: 2880, soon: 1800 };
  const TONES = ["success", "warning", "danger"];

  // --- polling ---------------------------------------------------------------------------------------------
  const isPoll = (detail) => Boolean(detail && detail.requestConfig && detail.requestConfig.headers &&
                                     detail.requestConfig.headers["X-Live-Poll"] === "1");

  function busy(region) {
    if (region.querySelector(".show, input[type=checkbox]:checked")) return true;
    const focused = document.activeElement;
    return Boolean(focused && region.contains(focused) &&
                   focused.matches("input, select, textarea, [data-bulk-row], [contenteditable]"));
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const elt = event.detail.elt;
    const region = elt.closest && elt.closest("[data-live]");
    if (!region) return;
    if (elt !== region) {
      // Another request from inside the region (the list's "More"): the rows now go beyond the first page.
      if (event.detail.verb === "get" && "livePages" in region.dataset) region.dataset.livePaused = "paged";
      return;
    }
    if (document.hidden || region.dataset.livePaused || busy(region)) {
      event.preventDefault(); // no request this round; the next tick asks again
      return;
    }
    event.detail.headers["X-Live-Poll"] = "1";
    if (region.dataset.liveEtag) event.detail.headers["If-None-Match"] = region.dataset.liveEtag;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isPoll(event.detail)) return;
    const xhr = event.detail.xhr;
    if (xhr.status === 304) {
      event.detail.shouldSwap = false;
    } else if (xhr.status === 200 && xhr.getResponseHeader("X-Live") !== "1") {
      // Not our view's answer (the session ended and the poll landed on the log-in page): stop, swap nothing.
      event.detail.shouldSwap = false;
      event.detail.elt.dataset.livePaused = "signed-out";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const etag = isPoll(event.detail) && event.detail.xhr.status === 200 && event.detail.xhr.getResponseHeader("ETag");
    if (etag) event.detail.elt.dataset.liveEtag = etag; // kept by an innerHTML swap; an outerHTML one renders it
  });

  // A poll that fails (a deploy, a blink of the database) is retried on the next tick: no alert per tick.
  ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (isPoll(event.detail)) event.stopPropagation();
    }, true);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) return;
    document.querySelectorAll("[data-live]").forEach((region) => window.htmx.trigger(region, "live:refresh"));
  });

  // --- countdowns ------------------------------------------------------------------------------------------
  function fill(format, values) {
    return (format || "").replace(/%\((\w+)\)[ds]/g, (match, name) => String(values[name]));
  }

  // core.durations.duration_text
  function durationText(minutes) {
    const f = config.formats;
    minutes = Math.max(0, Math.floor(minutes));
    if (minutes > config.daysAfter) {
      const days = Math.floor(Math.floor(minutes / 60) / 24);
      const hours = Math.floor(minutes / 60) % 24;
      return hours ? fill(f.d_h, { days: days, hours: hours }) : fill(f.d, { days: days });
    }
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (!hours) return fill(f.min, { minutes: rest });
    if (!rest) return fill(f.h, { hours: hours });
    return fill(f.h_min, { hours: hours, minutes: rest });
  }

  // core.durations.countdown_text / step_countdown_text: whole minutes, floored; the deadline itself is not late.
  function countdownText(due, now, step) {
    const text = now > due
      ? fill(config.formats.overdue, { late: durationText((now - due) / 60000) })
      : fill(config.formats.left, { left: durationText((due - now) / 60000) });
    return step ? step + " · " + text : text;
  }

  function toneOf(el, due, now) {
    if (now > due) return "danger";
    if ("warn" in el.dataset) { // a clock: warning from its warn_at (none: no warning colour), as sla.display
      return el.dataset.warn && now >= Date.parse(el.dataset.warn) ? "warning" : "success";
    }
    return due - now <= config.soon * 1000 ? "warning" : "success";
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-countdown][data-due]").forEach(function (el) {
      const due = Date.parse(el.dataset.due);
      if (!Number.isNaN(due)) el.textContent = countdownText(due, now, el.dataset.step || "");
    });
    document.querySelectorAll("[data-due-tone][data-due]").forEach(function (el) {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) return;
      const prefix = el.dataset.dueTone;
      const tone = toneOf(el, due, now);
      TONES.forEach((t) => el.classList.toggle(prefix + t, t === tone));
    });
  }

  // On the minute (the texts are whole minutes), and after every swap (a refreshed region starts current).
  setTimeout(function () {
    tick();
    setInterval(tick, 60000);
  }, 60000 - (Date.now() % 60000) + 50);
  document.addEventListener("htmx:afterSettle", tick);

  window.liveCountdown = { text: countdownText, duration: durationText, tick: tick }; // for the browser test
})();
