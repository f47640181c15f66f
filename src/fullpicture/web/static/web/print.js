// A "Print this page" button on the print views: shown only where JavaScript runs.
for (const button of document.querySelectorAll("[data-fp-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
