// Progressive enhancement: a "copy" button beside each .copy-source. Without JavaScript
// the text is still there to select and copy by hand.
document.querySelectorAll("[data-copy-label]").forEach(function (box) {
  var source = box.querySelector(".copy-source");
  if (!source || !navigator.clipboard) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-button button-secondary";
  button.textContent = box.getAttribute("data-copy-label");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      button.textContent = box.getAttribute("data-copied-label");
    });
  });
  box.appendChild(button);
});
