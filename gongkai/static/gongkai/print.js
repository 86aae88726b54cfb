// Print buttons (打印, 打印回执): a script file rather than onclick="", which the
// Content-Security-Policy refuses (gongkai/core/csp.py). Without scripts the buttons are hidden
// by site.css and the browser's own print command remains.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (button) {
    window.print();
  }
});
