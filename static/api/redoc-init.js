// Starts Redoc on /api/redoc/ (templates/api/redoc.html). A file, not an inline script: the
// site's Content-Security-Policy allows scripts from our own origin only.
"use strict";

(function () {
  // Redoc's side menu ends with Redocly's logo, loaded from cdn.redoc.ly, and this site loads
  // nothing from other sites (img-src 'self' data:). The logo's address becomes an empty
  // image, which Redoc drops (it hides a logo that fails to load); the link to Redocly stays.
  // Redoc sets it both as an attribute and as the property.
  const elsewhere = (value) => typeof value === "string" && value.startsWith("https://cdn.redoc.ly/");
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    const blocked = this instanceof HTMLImageElement && name === "src" && elsewhere(value);
    return setAttribute.call(this, name, blocked ? "data:," : value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, elsewhere(value) ? "data:," : value);
    },
  });

  const root = document.getElementById("redoc");
  Redoc.init(
    root.dataset.schemaUrl,
    {
      expandResponses: "200,201,202",
      jsonSampleExpandLevel: 3,
      // Redoc's search runs in a worker built from a blob: URL, which the policy refuses
      // (worker-src falls back to script-src 'self'). The side menu lists every operation.
      disableSearch: true,
    },
    root,
  );
})();
