// Kiosk mode (触摸屏模式, gongkai/accesspoints/kiosk.py): on a public touch screen, clear what
// the last visitor typed and return to the kiosk home after data-kiosk-idle seconds without a
// touch, warning during the last seconds. A file, not inline script, which the
// Content-Security-Policy refuses (gongkai/core/csp.py). Only runs on <body class="kiosk">.
(() => {
  const body = document.body;
  if (!body || !body.classList.contains("kiosk")) {
    return;
  }
  const idleSeconds = Math.max(5, parseInt(body.dataset.kioskIdle || "120", 10) || 120);
  const home = body.dataset.kioskHome || "/kiosk/";
  const warnSeconds = Math.min(15, Math.floor(idleSeconds / 4));
  const notice = document.querySelector("[data-kiosk-notice]");
  const KEEP = new Set(["hidden", "submit", "button", "reset", "image"]);
  let deadline = 0;

  // A terminal must not remember one visitor's entries for the next one.
  for (const form of document.forms) {
    form.setAttribute("autocomplete", "off");
  }

  const clearForms = () => {
    for (const form of document.forms) {
      for (const field of form.elements) {
        if (field instanceof HTMLInputElement) {
          if (KEEP.has(field.type)) {
            continue;
          }
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = false;
          } else {
            field.value = "";
          }
        } else if (field instanceof HTMLTextAreaElement) {
          field.value = "";
        } else if (field instanceof HTMLSelectElement) {
          field.selectedIndex = 0;
        }
      }
    }
    try {
      window.sessionStorage.clear();
    } catch {
      // storage may be disabled on the terminal: nothing to clear then
    }
  };

  const goHome = () => {
    clearForms();
    const here = window.location.pathname + window.location.search;
    if (here === home) {
      window.scrollTo(0, 0);
      restart();
      return;
    }
    window.location.replace(home);
  };

  const restart = () => {
    deadline = Date.now() + idleSeconds * 1000;
    if (notice) {
      notice.hidden = true;
    }
  };

  const tick = () => {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      goHome();
    } else if (notice && left <= warnSeconds) {
      notice.hidden = false;
      notice.textContent = `无人操作，${left}秒后返回首页并清空填写的内容。触摸屏幕继续使用。`;
    }
  };

  for (const name of ["pointerdown", "keydown", "input", "wheel", "scroll", "touchstart"]) {
    document.addEventListener(name, restart, { capture: true, passive: true });
  }
  // Back from the history (bfcache): the page may still hold an earlier visitor's entries.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      clearForms();
    }
    restart();
  });
  restart();
  window.setInterval(tick, 1000);
})();
