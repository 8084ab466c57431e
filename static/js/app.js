// Initialises GOV.UK Frontend and MOJ Frontend.
//
// The bundle URLs are read from data attributes on this <script> tag (set in
// base.html with {% static %}), so Django's hashed static file names
// (ManifestStaticFilesStorage) are used; a static `import "./x.js"` would not
// be rewritten to the hashed name. A failure here never breaks the page: the
// components simply stay unenhanced.
const script = document.querySelector("script[data-govuk-frontend-src]");

async function initialise(src, name) {
  if (!src) return;
  try {
    const module = await import(src);
    module.initAll();
  } catch (error) {
    console.error(`Could not initialise ${name}`, error);
  }
}

if (script && document.body.classList.contains("govuk-frontend-supported")) {
  // GOV.UK first: MOJ components build on GOV.UK ones.
  initialise(script.dataset.govukFrontendSrc, "GOV.UK Frontend").then(() =>
    initialise(script.dataset.mojFrontendSrc, "MOJ Frontend"),
  );
}

// Nothing typed is lost on sign-out. On a question page the answers form is marked
// data-save-on-sign-out: "Sign out" in the header then sends that form with signout=1 to its own
// page, whose view keeps the answers in the draft (valid or not, as "Save and come back later"
// does) and then signs the person out. Without JavaScript the header button signs out directly.
const answers = document.querySelector("form[data-save-on-sign-out]");
const signOut = document.querySelector("form[data-sign-out]");
if (answers && signOut) {
  signOut.addEventListener("submit", (event) => {
    event.preventDefault();
    const flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "signout";
    flag.value = "1";
    answers.append(flag);
    answers.submit();
  });
}
