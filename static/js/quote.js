/* Live quote on the borrow page: as the amount, term or method change, fetch the quote
   fragment and replace it. Without JavaScript the "Update the quote" button does the same. */
(function () {
  "use strict";
  var form = document.getElementById("borrow-form");
  var target = document.getElementById("quote");
  if (!form || !target || !window.fetch || !window.URLSearchParams) {
    return;
  }
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) {
    el.hidden = true;
  });
  var timer = null;
  var latest = 0;
  function refresh() {
    var ticket = ++latest;
    var params = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-quote-url") + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        if (ticket === latest) {
          target.innerHTML = html;
        }
      })
      .catch(function () { /* keep the last quote; the button still works */ });
  }
  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
