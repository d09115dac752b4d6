// Starts Swagger UI on /api/docs/ (templates/api/swagger.html). A file, not an inline script:
// the site's Content-Security-Policy allows scripts from our own origin only.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    // No badge fetched from validator.swagger.io: nothing leaves this site.
    validatorUrl: null,
    displayRequestDuration: true,
    filter: true,
    // The schema lists each operation's scopes; Authorize asks for all the client holds.
    persistAuthorization: false,
  });
})();
