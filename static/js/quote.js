/* Live quote on the borrow page: as the amount, term or method change, fetch the quote
   fragment and replace it. Without JavaScript the "Update the quote" button does the same.
   When the values cannot be quoted, the fragment says why (data-quote="refused"); the last
   good quote stays below the reason, marked as the one for the values before (issue #22). */
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
  var lastGood = target.querySelector('[data-quote="ok"]') ? target.innerHTML : null;
  function keepLastGood(refused) {
    var note = refused.querySelector(".js-last-quote");
    var stale = document.createElement("div");
    stale.className = "quote-stale";
    stale.innerHTML = lastGood;
    if (note) {
      note.hidden = false;
    }
    refused.insertAdjacentElement("afterend", stale);
  }
  function show(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var refused = holder.querySelector('[data-quote="refused"]');
    if (refused && lastGood) {
      keepLastGood(refused);
    } else if (holder.querySelector('[data-quote="ok"]')) {
      lastGood = html;
    }
    target.innerHTML = "";
    while (holder.firstChild) {
      target.appendChild(holder.firstChild);
    }
  }
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
          show(html);
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
