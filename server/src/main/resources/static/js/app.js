// Mailbridge admin UI: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Copy buttons: <button class="copy" data-copy="element-id">.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentElement.querySelector(".copied");
      if (!source) return;
      var text = source.textContent.trim();
      var done = function () { if (status) status.textContent = "Copied."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { select(source); });
      } else {
        select(source);
        try { document.execCommand("copy"); done(); } catch (e) { /* text stays selected */ }
      }
    });
  });

  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // Connection form: show the fields of the chosen sign-in mode and host mode.
  var form = document.getElementById("connection-form");
  if (form) {
    var mode = document.getElementById("signInMode");
    var update = function () {
      form.querySelectorAll("fieldset[data-modes]").forEach(function (fs) {
        var show = fs.getAttribute("data-modes").split(" ").indexOf(mode.value) >= 0;
        fs.classList.toggle("hidden", !show);
        fs.disabled = !show;
      });
      var auto = document.getElementById("hostMode-autodiscover").checked;
      toggleField("ewsUrl", !auto);
      toggleField("approvedHosts", auto);
    };
    var toggleField = function (id, show) {
      var input = document.getElementById(id);
      if (input) input.closest(".field").classList.toggle("hidden", !show);
    };
    mode.addEventListener("change", update);
    form.querySelectorAll("input[name=hostMode]").forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  // Authorize buttons stay disabled until the connection has what sign-in needs (the server decides);
  // while a sign-in is starting, prevent double submission.
  document.querySelectorAll("form button.authorize, form #authorize").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      setTimeout(function () { button.disabled = true; button.textContent = "Opening sign-in…"; }, 0);
    });
  });
})();

// The sign-in hand-over page: follow the link to Microsoft's sign-in at once.
(function () {
  "use strict";
  var link = document.querySelector("a[data-auto-follow]");
  if (link) window.location.assign(link.href);
})();
