// The resend button of the SMS code pages (#22): disabled while the server's wait runs, with the
// seconds left in its label ("Send a new code (42 s)"), enabled at zero.
(function () {
  "use strict";
  var button = document.getElementById("resend-button");
  if (!button) {
    return;
  }
  var left = parseInt(button.getAttribute("data-wait"), 10) || 0;
  var label = button.getAttribute("data-label");
  var waitLabel = button.getAttribute("data-label-wait");
  function show() {
    if (left > 0) {
      button.disabled = true;
      button.textContent = waitLabel.replace("{s}", String(left));
    } else {
      button.disabled = false;
      button.textContent = label;
    }
  }
  show();
  if (left > 0) {
    var timer = window.setInterval(function () {
      left -= 1;
      show();
      if (left <= 0) {
        window.clearInterval(timer);
      }
    }, 1000);
  }
})();
