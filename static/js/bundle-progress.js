// The subject access bundle page: while the worker is putting the bundle together, ask for its
// status every few seconds, show the step in the live region, and reload the page once it is
// ready (or failed) so the download button or the error appears. Without JavaScript the page
// says to refresh it.
const panel = document.getElementById("bundle-progress");

async function poll() {
  try {
    const response = await fetch(panel.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const status = await response.json();
    if (status.ready || status.status === "failed") {
      window.location.reload();
      return;
    }
    const step = panel.querySelector("[data-bundle-step]");
    const tag = panel.querySelector("[data-bundle-status]");
    if (tag) tag.textContent = status.status_label;
    if (step) step.textContent = `${status.step} (${status.progress}% done)`;
  } catch (error) {
    console.error("Could not read the bundle's status", error);
  }
  window.setTimeout(poll, 3000);
}

if (panel && panel.dataset.ready === "false" && ["queued", "building"].includes(panel.dataset.status)) {
  window.setTimeout(poll, 3000);
}
