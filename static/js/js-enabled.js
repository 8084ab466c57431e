// GOV.UK Frontend's "js-enabled" body classes, loaded from a file rather than written inline so
// the Content-Security-Policy can refuse every inline script. base.html loads it first thing in
// <body>, synchronously, so the classes are set before anything is painted.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
