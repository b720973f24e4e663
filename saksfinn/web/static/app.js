// Saksfinn: small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  if (!form) return;
  // Leave empty filters out of the address, so shared links stay short.
  form.addEventListener("submit", () => {
    for (const el of form.querySelectorAll("select, input")) {
      if (!el.value) el.disabled = true;
    }
  });
  // A changed filter re-runs the current search at once.
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => {
      if (document.getElementById("q").value.trim()) form.requestSubmit();
    });
  }
});
