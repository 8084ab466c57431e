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
