// Letters made in the background. On the case page, while a decision letter is being prepared,
// ask for its status every few seconds and, once it is made, say so with a link to it (the live
// region announces it). On a bulk letter's page, show the count sent as it grows and reload the
// page once the send has finished, so the report appears. Without JavaScript the pages say to
// refresh them.

async function statusOf(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  return response.ok ? response.json() : null;
}

function letterStatus(panel) {
  async function poll() {
    try {
      const status = await statusOf(panel.dataset.statusUrl);
      if (status && status.waiting === 0) {
        panel.replaceChildren();
        for (const letter of status.made) {
          const line = document.createElement("p");
          line.className = "govuk-body";
          const link = document.createElement("a");
          link.className = "govuk-link";
          link.href = letter.url;
          link.textContent = letter.title;
          line.append("The decision letter is ready: ", link, ".");
          panel.append(line);
        }
        if (status.failed) {
          const line = document.createElement("p");
          line.className = "govuk-body";
          line.textContent = "The decision letter could not be made. The decision itself is recorded.";
          panel.append(line);
        }
        return;
      }
    } catch (error) {
      console.error("Could not read the letter's status", error);
    }
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 1500);
}

function bulkProgress(panel) {
  async function poll() {
    try {
      const status = await statusOf(panel.dataset.statusUrl);
      if (status) {
        if (status.status === "done") {
          window.location.reload();
          return;
        }
        panel.querySelector("[data-bulk-status]").textContent = status.status_label;
        const failed = status.failed ? `, ${status.failed} failed` : "";
        panel.querySelector("[data-bulk-count]").textContent = `${status.sent} of ${status.total} sent${failed}`;
      }
    } catch (error) {
      console.error("Could not read the bulk letter's status", error);
    }
    window.setTimeout(poll, 3000);
  }
  window.setTimeout(poll, 3000);
}

const letterPanel = document.getElementById("letter-status");
if (letterPanel && letterPanel.querySelector("[data-letter-waiting]")) letterStatus(letterPanel);
const bulkPanel = document.getElementById("bulk-progress");
if (bulkPanel && bulkPanel.dataset.status !== "done") bulkProgress(bulkPanel);
