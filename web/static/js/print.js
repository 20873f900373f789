// The subject-access report's Print button (no inline scripts: see the pages' CSP).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
