// The GOV.UK timeout warning for staff sessions
// (templates/includes/session_timeout_dialog.html).
//
// The server signs an idle session out (SessionTimeoutMiddleware); this only warns first. Shortly
// before the end it asks the server how long is really left (another tab may have kept the
// session alive; asking does not count as activity), then opens the modal with a countdown.
// "Stay signed in" (or Escape) posts to the extend endpoint, which is activity. When the
// countdown ends the page reloads: the server then signs the session out and the sign-in page
// says why. On a question page (a form marked data-save-on-sign-out) nothing typed is lost:
// "Sign out" in the dialog, and the last seconds of the countdown, sign out the way the header's
// "Sign out" does there (static/js/app.js), which keeps the answers in the draft.
const dialog = document.querySelector("dialog[data-session-timeout]");

if (dialog && typeof dialog.showModal === "function") {
  const warningSeconds = Number(dialog.dataset.warningSeconds) || 120;
  const statusUrl = dialog.dataset.statusUrl;
  const extendForm = dialog.querySelector("form[data-session-extend]");
  const countdown = dialog.querySelector("[data-countdown]");
  const announcement = dialog.querySelector("[data-countdown-announcement]");
  // Announce to screen readers now and then, not every second.
  const announceAt = new Set([120, 90, 60, 30, 20, 10]);
  const answers = document.querySelector("form[data-save-on-sign-out]");
  const headerSignOut = document.querySelector("form[data-sign-out]");
  const signOutForm = dialog.querySelector("form[data-session-sign-out]");
  // Seconds before the end at which a question page saves its answers and signs out.
  const saveAnswersAt = 5;
  let answersSaved = false;
  let endsAt = 0;
  let warnTimer = null;
  let tickTimer = null;

  const secondsLeft = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));

  const wording = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  // After the end (or when the server says the session is over): the reload reaches a server
  // that has ended the session, so it signs out and the sign-in page says why.
  const signedOutByServer = () => {
    window.location.reload();
  };

  const signOutKeepingAnswers = () => {
    if (answersSaved) return;
    answersSaved = true;
    headerSignOut.requestSubmit(); // app.js sends the answers with signout=1
  };

  const tick = () => {
    const left = secondsLeft();
    countdown.textContent = wording(left);
    if (announceAt.has(left)) {
      announcement.textContent = `You will be signed out in ${wording(left)}.`;
    }
    if (answers && headerSignOut && left <= saveAnswersAt) {
      clearInterval(tickTimer);
      signOutKeepingAnswers();
      return;
    }
    if (left <= 0) {
      clearInterval(tickTimer);
      setTimeout(signedOutByServer, 1500); // a moment late, never before the server's end
    }
  };

  const open = () => {
    tick();
    announcement.textContent = `You will be signed out in ${wording(secondsLeft())}.`;
    if (!dialog.open) dialog.showModal();
    clearInterval(tickTimer);
    tickTimer = setInterval(tick, 1000);
  };

  const schedule = (seconds) => {
    endsAt = Date.now() + seconds * 1000;
    clearTimeout(warnTimer);
    warnTimer = setTimeout(check, Math.max(0, (seconds - warningSeconds) * 1000));
  };

  async function check() {
    try {
      const response = await fetch(statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        signedOutByServer();
        return;
      }
      const body = await response.json();
      if (!body.timed) return;
      if (body.seconds_left > warningSeconds + 5) {
        schedule(body.seconds_left); // another tab kept the session alive
        return;
      }
      endsAt = Date.now() + body.seconds_left * 1000;
      open();
    } catch {
      // Offline for a moment: warn on the page's own clock rather than not at all.
      open();
    }
  }

  async function staySignedIn() {
    clearInterval(tickTimer);
    try {
      const response = await fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        signedOutByServer();
        return;
      }
      const body = await response.json();
      if (dialog.open) dialog.close();
      announcement.textContent = "";
      if (body.timed) schedule(body.seconds_left);
    } catch {
      signedOutByServer();
    }
  }

  if (answers && headerSignOut) {
    signOutForm.addEventListener("submit", (event) => {
      event.preventDefault();
      signOutKeepingAnswers();
    });
  }

  extendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Escape closes a modal dialog: here it means "stay signed in", as on GOV.UK services.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });

  schedule(Number(dialog.dataset.secondsLeft) || 0);
}
