// Suggestions as you type on the dataset search box (progressive enhancement: the
// form works without this). Fills a <datalist> from package_autocomplete.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var latest = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      latest = q;
      if (!q) { list.replaceChildren(); return; }
      fetch(input.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(q),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || !body.success || q !== latest) { return; }
          list.replaceChildren.apply(list, body.result.map(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            return option;
          }));
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150);
  });
}());
